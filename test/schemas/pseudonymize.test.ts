import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DefinitionError, GongshuError } from '../../schemas/errors.ts';
import { pseudonymize, pseudonymizer } from '../../schemas/pseudonymize.ts';

const KEY = 'gongshu-test-key-0123456789abcdef'; // 33 bytes
const ID = '440401202201011768';

/** HMAC per RFC 2104 over SM3 (64-byte block), written out to check node's createHmac('sm3'). */
function hmacSm3ByHand(key: Buffer, message: string): string {
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash('sm3').update(key).digest() : key).copy(block);
  const ipad = Buffer.from(block.map((b) => b ^ 0x36));
  const opad = Buffer.from(block.map((b) => b ^ 0x5c));
  const inner = createHash('sm3').update(ipad).update(message, 'utf8').digest();
  return createHash('sm3').update(opad).update(inner).digest('hex');
}

describe('pseudonymize (HMAC-SM3)', () => {
  it('runs real SM3 on this Node (GB/T 32905 test vector "abc")', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(createHmac('sm3', KEY).update(ID).digest('hex')).toBe(hmacSm3ByHand(Buffer.from(KEY), ID));
  });

  it('is deterministic, keyed and 64 hex characters by default', () => {
    const a = pseudonymize(ID, KEY);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymize(ID, KEY)).toBe(a);
    expect(a).toBe(hmacSm3ByHand(Buffer.from(KEY), ID));
    expect(pseudonymize(ID, `${KEY}!`)).not.toBe(a);
    expect(pseudonymize('440401202201011769', KEY)).not.toBe(a);
  });

  it('trims input so joins across departments match', () => {
    expect(pseudonymize(` ${ID}\t`, KEY)).toBe(pseudonymize(ID, KEY));
  });

  it('applies length and prefix', () => {
    const full = pseudonymize(ID, KEY);
    expect(pseudonymize(ID, KEY, { length: 16 })).toBe(full.slice(0, 16));
    expect(pseudonymize(ID, KEY, { length: 32, prefix: 'P' })).toBe(`P${full.slice(0, 32)}`);
  });

  it('accepts byte keys and passes null through', () => {
    const key = randomBytes(32);
    expect(pseudonymize(ID, key)).toBe(pseudonymize(ID, Buffer.from(key)));
    expect(pseudonymize(null, KEY)).toBeNull();
    expect(pseudonymize(undefined, KEY)).toBeNull();
    expect(pseudonymize('', KEY)).toMatch(/^[0-9a-f]{64}$/);
    const p = pseudonymizer(key, { length: 20 });
    expect(p(ID)).toHaveLength(20);
    expect(p(null)).toBeNull();
  });

  it('refuses short keys and bad lengths with a definition error', () => {
    expect(() => pseudonymize(ID, 'short-key')).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: pseudonymize: key: expected at least 16 bytes; got 9. Fix: use a random key of 32 bytes (crypto.randomBytes(32)) kept outside the repository]`,
    );
    expect(() => pseudonymize(ID, 'short-key')).toThrow(GongshuError);
    expect(() => pseudonymize(ID, randomBytes(15))).toThrow(DefinitionError);
    expect(() => pseudonymize(ID, KEY, { length: 8 })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: pseudonymize: length: expected an integer from 16 to 64; got 8. Fix: omit length for the full 64-character token, or use e.g. length: 32]`,
    );
    expect(() => pseudonymize(ID, KEY, { length: 65 })).toThrow(/16 to 64/);
    expect(() => pseudonymize(ID, KEY, { length: 20.5 })).toThrow(/16 to 64/);
  });
});
