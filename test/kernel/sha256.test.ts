import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/kernel/sha256.js';

const nodeSha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Any UTF-16 code unit, lone surrogates included: the strings JavaScript can hold, not only valid Unicode. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('equals node:crypto on every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7 + length) % 95))).join('');
      expect(sha256Hex(text), `length ${length}`).toBe(nodeSha256(text));
    }
  });

  it('equals node:crypto on random strings of any code units: multi-byte characters, surrogate pairs and lone surrogates', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: codeUnit, maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ maxLength: 300 })), (text) => {
        expect(sha256Hex(text)).toBe(nodeSha256(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals node:crypto on the texts the engine hashes: stream encodings and large canonical JSON', () => {
    for (let run = 0; run < 50; run++) {
      const encoded = JSON.stringify(['42', run, `param:labs.lab-${run}.demand.growthPerYear`]);
      expect(sha256Hex(encoded)).toBe(nodeSha256(encoded));
    }
    const large = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ id: `actor-${i}`, value: i * 1.5, note: 'Ünïcödé ✓ 𝔸' })));
    expect(sha256Hex(large)).toBe(nodeSha256(large));
  });

  it('is not disturbed by an earlier, longer message (its buffer is reused)', () => {
    const short = 'short';
    sha256Hex('x'.repeat(10_000));
    expect(sha256Hex(short)).toBe(nodeSha256(short));
  });
});
