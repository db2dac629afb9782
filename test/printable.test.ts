import { describe, expect, it } from 'vitest';
import { hasUnprintable, printable, printableJson } from '../src/printable.js';

describe('text made safe for a terminal', () => {
  it('escapes C0 and C1 controls, DEL, separators and bidirectional overrides, and leaves other text as it is', () => {
    expect(printable('evil\u001b[2J')).toBe('evil\\u001b[2J');
    expect(printable('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(printable('x\u007fy\u009b31m')).toBe('x\\u007fy\\u009b31m');
    expect(printable('left\u202eright\u2028')).toBe('left\\u202eright\\u2028');
    expect(printable('OpenAI — Azure, 5 % é 中')).toBe('OpenAI — Azure, 5 % é 中');
    expect(hasUnprintable(printable('\u0000\u001b\u0085\u2066'))).toBe(false);
  });

  it('is the same text when applied twice', () => {
    const once = printable('a\u001b\n\u009b');
    expect(printable(once)).toBe(once);
  });

  it('keeps JSON the same JSON, its line breaks kept and nothing raw that drives a terminal', () => {
    const value = { name: 'v\u001b[2J\u009b\u007f\u202e', list: [1, 'two'] };
    const json = printableJson(JSON.stringify(value, null, 2));
    expect(hasUnprintable(json.replace(/\n/g, ''))).toBe(false);
    expect(json.split('\n').length).toBe(JSON.stringify(value, null, 2).split('\n').length);
    expect(JSON.parse(json)).toEqual(value);
  });
});
