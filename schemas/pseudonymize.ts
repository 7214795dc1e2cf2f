/**
 * Keyed pseudonymisation (假名化) with HMAC-SM3 (GB/T 32905 hash in HMAC, via node:crypto).
 *
 * The same value and key always give the same token, so pseudonymised tables still join; without the key the
 * token cannot be reversed or recomputed by guessing (an unkeyed hash of an ID number can: the space is small).
 * This is pseudonymisation, NOT anonymisation: tokens are de-identified data and remain personal information
 * (GB/T 37964-2019 §3; PIPL art. 73). Whoever holds the key can re-identify by recomputing, so keep the key
 * outside the data and the repository, and rotate it per release when linkage across releases is unwanted.
 */
import { createHmac } from 'node:crypto';
import { DefinitionError } from './errors.ts';

/** Minimum key length in bytes. */
export const PSEUDONYM_MIN_KEY_BYTES = 16;
/** Length of a full HMAC-SM3 token in hex characters (256 bits). */
export const PSEUDONYM_MAX_LENGTH = 64;
/** Shortest token allowed (64 bits): shorter tokens collide in large populations. */
export const PSEUDONYM_MIN_LENGTH = 16;

/** Options of `pseudonymize`. */
export interface PseudonymizeOptions {
  /** Hex characters kept from the 64-character HMAC, 16–64; defaults to 64. */
  length?: number;
  /** Text put before the token, e.g. `'P'` → `P3a9f…`; defaults to `''`. */
  prefix?: string;
}

function keyBytes(key: string | Uint8Array): Uint8Array {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (bytes.byteLength < PSEUDONYM_MIN_KEY_BYTES) {
    throw new DefinitionError(
      `pseudonymize: key: expected at least ${PSEUDONYM_MIN_KEY_BYTES} bytes; got ${bytes.byteLength}. ` +
        'Fix: use a random key of 32 bytes (crypto.randomBytes(32)) kept outside the repository',
      { field: 'key', allowed: `>= ${PSEUDONYM_MIN_KEY_BYTES} bytes`, fix: 'use crypto.randomBytes(32)' },
    );
  }
  return bytes;
}

function checkLength(length: number): number {
  if (!Number.isInteger(length) || length < PSEUDONYM_MIN_LENGTH || length > PSEUDONYM_MAX_LENGTH) {
    throw new DefinitionError(
      `pseudonymize: length: expected an integer from ${PSEUDONYM_MIN_LENGTH} to ${PSEUDONYM_MAX_LENGTH}; ` +
        `got ${length}. Fix: omit length for the full 64-character token, or use e.g. length: 32`,
      { field: 'length', allowed: `${PSEUDONYM_MIN_LENGTH}..${PSEUDONYM_MAX_LENGTH}`, fix: 'length: 32' },
    );
  }
  return length;
}

/**
 * Returns a pseudonymiser bound to `key`, checked once: `pseudonymizer(key)('440401202201011768')` → 64 hex chars.
 * Input is trimmed before hashing so `' 4404…'` and `'4404…'` match; normalise identifiers (case of `X`,
 * full-width digits, 15 → 18) with the identifier functions first. null and undefined stay null; `''` gives a token.
 */
export function pseudonymizer(
  key: string | Uint8Array,
  options: PseudonymizeOptions = {},
): (value: string | null | undefined) => string | null {
  const k = keyBytes(key);
  const length = checkLength(options.length ?? PSEUDONYM_MAX_LENGTH);
  const prefix = options.prefix ?? '';
  return (value) => {
    if (value == null) return null;
    const hex = createHmac('sm3', k).update(value.trim(), 'utf8').digest('hex');
    return prefix + hex.slice(0, length);
  };
}

/**
 * Deterministic keyed token for `value` (HMAC-SM3, hex): same value + key → same token.
 * Example: `pseudonymize('440401202201011768', key, { length: 32, prefix: 'P' })` → `'P' + 32 hex chars`.
 * Throws a DefinitionError when the key is shorter than 16 bytes or `length` is outside 16–64.
 */
export function pseudonymize<T extends string | null | undefined>(
  value: T,
  key: string | Uint8Array,
  options: PseudonymizeOptions = {},
): T extends string ? string : null {
  return pseudonymizer(key, options)(value) as T extends string ? string : null;
}
