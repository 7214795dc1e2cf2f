/**
 * Output policy vocabulary (第二十条、第二十六条; GOVERNANCE.md D): who an output goes to, and what it does with
 * each data item. The governance layer applies it on share exports and backflow.
 */
import { z } from 'zod';

/** Who an output goes to: a sharing request (共享), backflow to a lower level (回流), or the public (开放). */
export const OutputAudience = z.enum(['share', 'backflow', 'open']).meta({
  description:
    'output audience: share 共享 (a granted request), backflow 回流 (to a lower level), open 开放 (the public)',
});
/** An output audience. */
export type OutputAudience = z.output<typeof OutputAudience>;

/**
 * What an output does with a data item: `clear` keeps it, `drop` leaves it out, `mask` applies the item's
 * masking (`full` when it has none), `pseudonymize` replaces it by a keyed HMAC-SM3 token (same value, same
 * token, per audience key), `generalize` coarsens it (date → year-month, division code → prefecture, age →
 * 5-year band).
 */
export const OutputAction = z.enum(['clear', 'drop', 'mask', 'pseudonymize', 'generalize']).meta({
  description: 'output action: clear, drop, mask, pseudonymize (HMAC-SM3 token) or generalize',
});
/** An output action. */
export type OutputAction = z.output<typeof OutputAction>;

/** How `generalize` coarsens an item. */
export type Generalization = 'month' | 'prefecture' | 'age-band';

/**
 * How an item can be generalised, from its type, name and title: dates and timestamps to year-month, division
 * codes (division, xzqh, 行政区划, 区划) to their prefecture, ages (age, nl, 年龄) to 5-year bands; otherwise
 * undefined (generalize does not apply).
 */
export function generalizationOf(field: {
  name: string;
  title: string;
  type: string;
}): Generalization | undefined {
  if (field.type === 'date' || field.type === 'timestamp') return 'month';
  const names = [field.name.toLowerCase(), field.title];
  if (names.some((n) => /division|xzqh|qhdm|行政区划|区划/.test(n))) return 'prefecture';
  if (names.some((n) => /(^|_)(age|nl)($|_)|年龄/.test(n))) return 'age-band';
  return undefined;
}
