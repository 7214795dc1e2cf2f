/** Check-character arithmetic of GB 11643 (MOD 11-2), GB 32100 (MOD 31) and GB 11714 (MOD 11). */

/** Weights of positions 1..17 of a citizen identity number (2^(18-i) mod 11). */
export const CITIZEN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character indexed by (Σ a_i·W_i) mod 11. */
export const CITIZEN_ID_CHECK_CHARS = '10X98765432';

/** The GB 11643 check character of the first 17 digits (`body` must be 17 ASCII digits). */
export function citizenIdCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body.charCodeAt(i) - 48) * CITIZEN_ID_WEIGHTS[i]!;
  return CITIZEN_ID_CHECK_CHARS[sum % 11]!;
}

/** The 31 characters a USCC may use, in value order (no I, O, S, V, Z). */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of positions 1..17 of a USCC (3^(i-1) mod 31). */
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The GB 32100 check character of the first 17 characters (all from `USCC_CHARSET`). */
export function usccCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Weights of the 8 body characters of a GB 11714 organisation code. */
export const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** The GB 11714 check character of an 8-character organisation-code body (0-9 → 0-9, A-Z → 10-35). */
export function orgCodeCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    sum += v * ORG_CODE_WEIGHTS[i]!;
  }
  const c9 = 11 - (sum % 11);
  return c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9);
}
