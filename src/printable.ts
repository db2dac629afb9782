/**
 * Text from users (scenario, variant, lab and provider names, file names, option values) made safe
 * for a terminal: a name holding `\e[2J` would otherwise clear the screen when printed, and one holding
 * a newline would break a one-problem-a-line message.
 */

/** Control characters (C0, DEL, C1), line and paragraph separators, and bidirectional overrides. */
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const ONE_UNPRINTABLE = new RegExp(UNPRINTABLE.source);

/** Whether the text holds a character `printable` would escape. */
export function hasUnprintable(text: string): boolean {
  return ONE_UNPRINTABLE.test(text);
}

/**
 * The text on one line, with nothing that drives a terminal: each unprintable character becomes an
 * escape as JSON writes it (`\n`, `\t`, `\u001b`), other text is left as it is.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const escape = JSON.stringify(c);
    return escape.length > 3 ? escape.slice(1, -1) : unicodeEscape(c);
  });
}

/**
 * JSON text (as JSON.stringify writes it) safe for a terminal and still the same JSON: JSON.stringify
 * escapes C0 controls itself but leaves DEL, C1 controls, separators and overrides raw inside strings,
 * which only ever appear inside strings, where `\uXXXX` means the same character. Newlines between
 * values are kept.
 */
export function printableJson(json: string): string {
  return json.replace(UNPRINTABLE, (c) => (c === '\n' ? c : unicodeEscape(c)));
}

/** `\u001b` for ESC: the escape JSON, JavaScript and YAML's double-quoted strings all read back. */
export function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
