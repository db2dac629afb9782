/** Did-you-mean hints: a near miss of a valid name is most likely a typo, so name the word it misspells. */

/** `'capcity' is not a field of providers[0]; did you mean 'capacity'?`, or the list of fields when nothing is close. */
export function notAField(key: string, where: string, validKeys: readonly string[]): string {
  const guess = suggestion(key, validKeys);
  const hint = guess !== '' ? guess : validKeys.length > 0 ? ` (fields: ${validKeys.join(', ')})` : '';
  return `'${key}' is not a field of ${where}${hint}`;
}

/** `; did you mean 'x'?` for the closest candidate within a few edits, or nothing. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : `; did you mean '${best}'?`;
}

/** The candidate closest to `word` (case ignored) within `limit` edits, if any: typos deserve a hint, guesses do not. */
export function closest(word: string, candidates: readonly string[], limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)))): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
