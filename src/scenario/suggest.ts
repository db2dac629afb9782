/** Did-you-mean hints: a near miss of a valid name is most likely a typo, so name the word it misspells. */

/** `'capcity' is not a field of providers[0]; did you mean 'capacity'?`, or the list of fields when nothing is close (`closestKey` when already known). */
export function notAField(key: string, where: string, validKeys: readonly string[], closestKey = closest(key, validKeys)): string {
  const guess = closestKey === undefined ? '' : `; did you mean '${closestKey}'?`;
  const hint = guess !== '' ? guess : validKeys.length > 0 ? ` (fields: ${validKeys.join(', ')})` : '';
  return `'${key}' is not a field of ${where}${hint}`;
}

/** The most names a message lists before it counts the rest. */
const MAX_LISTED = 20;

/** Names for a message, `a, b, c`: the first MAX_LISTED, then `and 99,980 more`, so a list of 100,000 chips does not make a line of a megabyte. */
export function listed(names: readonly string[]): string {
  if (names.length <= MAX_LISTED) return names.join(', ');
  return `${names.slice(0, MAX_LISTED).join(', ')} and ${(names.length - MAX_LISTED).toLocaleString('en-US')} more`;
}

/** `; did you mean 'x'?` for the closest candidate within a few edits, or nothing. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : `; did you mean '${best}'?`;
}

/** The candidate closest to `word` (case ignored) within `limit` edits, if any: typos deserve a hint, guesses do not. */
export function closest(word: string, candidates: readonly string[], limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)))): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistanceWithin(lower, candidate.toLowerCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The edit distance of `a` and `b` (insertions, deletions, substitutions and swaps of two neighbours:
 * `mutli` is one edit from `multi`) when it is at most `bound`, else bound + 1; one row at a time,
 * stopping as soon as a row has nothing within the bound. Hundreds of thousands of unknown
 * keys, each against every field name, cost a few characters each rather than a whole table.
 */
function editDistanceWithin(a: string, b: string, bound: number): number {
  if (bound < 0 || Math.abs(a.length - b.length) > bound) return bound + 1;
  // Three rows, reused for every pair of words: no allocation per key.
  if (rows[0].length <= b.length) rows = [new Uint32Array(b.length + 1), new Uint32Array(b.length + 1), new Uint32Array(b.length + 1)];
  let [before, previous, current] = rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const char = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = previous[j - 1]! + (char === b.charCodeAt(j - 1) ? 0 : 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, cost);
      // Two neighbours swapped: one edit from two rows and two columns back.
      if (i > 1 && j > 1 && char === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    // No later row is less than this one's least (a swap from two rows back costs no less than the
    // substitution into the row between): past the bound, the distance is too.
    if (rowMin > bound) return bound + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, bound + 1);
}

let rows: [Uint32Array, Uint32Array, Uint32Array] = [new Uint32Array(64), new Uint32Array(64), new Uint32Array(64)];
