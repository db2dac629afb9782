/** Priorities order events that fall at the same time: lower runs first. */

/** The priority of internal wake-ups (process start, interrupts, stop) that must precede ordinary events. */
export const URGENT = -2048;
/** The default priority of events and callbacks. */
export const NORMAL = 0;
/** The highest priority a user may give (runs last among equal times). */
export const LOWEST = 2047;

/** Checks a user-given priority (undefined means NORMAL); internal wake-ups alone may use URGENT. */
export function checkPriority(priority: number | undefined): number {
  if (priority === undefined) return NORMAL;
  if (!Number.isInteger(priority) || priority <= URGENT || priority > LOWEST) {
    throw new RangeError(`priority must be an integer in [${URGENT + 1}, ${LOWEST}], got ${priority}`);
  }
  return priority;
}
