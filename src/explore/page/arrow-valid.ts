/**
 * apache-arrow's `createIsValidFunction`, without `new Function`: arrow compiles a builder's test of
 * null values from text, which the page's Content Security Policy (no eval) refuses. The bundle takes
 * this module in its place (bundle.ts); it answers the same: false for a null value (NaN among them
 * when NaN is listed), true otherwise, by strict equality, as arrow's generated switch compares.
 */
export function createIsValidFunction(nullValues?: readonly unknown[]): (value: unknown) => boolean {
  if (!nullValues || nullValues.length <= 0) return () => true;
  const nanIsNull = nullValues.some((value) => value !== value);
  const nulls = nullValues.filter((value) => value === value);
  return (value) => {
    if (value !== value) return !nanIsNull;
    return !nulls.includes(value);
  };
}
