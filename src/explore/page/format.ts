/** Numbers as the page shows them: a few significant digits, shares as percentages, large amounts with a suffix. */

/** `value` for a reader: 3 significant digits, k/M/B/T for thousands and up; `—` for NaN. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : String(value);
  const size = Math.abs(value);
  for (const [scale, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (size >= scale) return `${trim((value / scale).toPrecision(digits))}${suffix}`;
  }
  if (size === 0) return '0';
  return trim(value.toPrecision(digits));
}

/** A share in [0, 1] as a percentage with one decimal. */
export function formatShare(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—';
}

/** A metric's value: a share as a percentage, anything else as a number. */
export function formatMetric(name: string, value: number): string {
  return isShareMetric(name) ? formatShare(value) : formatNumber(value);
}

/** Whether a key metric is a share (its name ends in Share), shown as a percentage. */
export function isShareMetric(name: string): boolean {
  return /share$/i.test(name.split('.').pop() ?? '');
}

function trim(text: string): string {
  return text.includes('e') ? text : text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
