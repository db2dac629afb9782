/**
 * Slurm's reading of the value of an #SBATCH option (sbatch's _get_argument, src/sbatch/opt.c): a
 * backslash escapes the next character, quotes group, whitespace ends the value, an unescaped `#`
 * starts a comment.
 */
export function sbatchReads(text: string): string {
  let value = '';
  let quote: string | undefined;
  let escaped = false;
  for (const c of text) {
    if (quote === undefined && /\s/.test(c)) break;
    if (escaped) escaped = false;
    else if (c === '\\') {
      escaped = true;
      continue;
    } else if (quote !== undefined) {
      if (c === quote) {
        quote = undefined;
        continue;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      continue;
    } else if (c === '#') break;
    value += c;
  }
  return value;
}

/** The #SBATCH directives of a job script, as sbatch reads them: option name and value. */
export function sbatchDirectives(script: string): [string, string][] {
  const directives: [string, string][] = [];
  for (const line of script.split('\n')) {
    if (!line.startsWith('#SBATCH ')) continue;
    const option = sbatchReads(line.slice('#SBATCH '.length));
    const equals = option.indexOf('=');
    directives.push([option.slice(0, equals), option.slice(equals + 1)]);
  }
  return directives;
}
