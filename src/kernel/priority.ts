/** Priorities order events that fall at the same time: lower runs first. */

/** The priority of internal wake-ups (process start, interrupts, stop) that must precede ordinary events. */
export const URGENT = -2048;
/** The default priority of events and callbacks. */
export const NORMAL = 0;
/** The highest priority a user may give (runs last among equal times). */
export const LOWEST = 2047;
