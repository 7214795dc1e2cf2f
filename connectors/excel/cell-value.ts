/** What kind of value an Excel cell held, after formulas are replaced by their cached results. */
export type CellKind = 'empty' | 'string' | 'number' | 'boolean' | 'date' | 'timestamp' | 'error';

/** One cell as canonical text: numbers without float noise, dates `YYYY-MM-DD`, timestamps ISO 8601. */
export interface CellText {
  readonly text: string | null;
  readonly kind: CellKind;
  /** An integer of more than 15 digits: Excel keeps only 15 significant digits, so the value may be altered. */
  readonly imprecise?: true;
  /** The Excel error code (`#N/A`, `#DIV/0!`) of an error cell. */
  readonly error?: string;
}

const EMPTY: CellText = Object.freeze({ text: null, kind: 'empty' });

/** The `error` of a formula cell saved without its result. */
export const NO_RESULT = 'a formula without a saved result';

/**
 * Converts a value from exceljs' streaming reader: rich text → its text, formulas → their cached result,
 * `{ error }` → null, JS Date (a date-formatted cell; exceljs builds it in UTC) → date or timestamp text.
 */
export function cellText(value: unknown): CellText {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return value === '' ? EMPTY : { text: value, kind: 'string' };
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', kind: 'boolean' };
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      const text = (v.richText as { text?: unknown }[]).map((run) => String(run.text ?? '')).join('');
      return text === '' ? EMPTY : { text, kind: 'string' };
    }
    if ('formula' in v || 'sharedFormula' in v) {
      // A formula the workbook was saved without computing (written by a program, not by Excel) has no value.
      if (v.result === undefined) return { text: null, kind: 'error', error: NO_RESULT };
      return cellText(v.result);
    }
    if (typeof v.error === 'string') return { text: null, kind: 'error', error: v.error };
    if ('text' in v) return cellText(v.text);
  }
  return { text: String(value), kind: 'string' };
}

/** Canonical number text: integers exactly, fractions rounded to Excel's 15 significant digits. */
export function numberText(n: number): CellText {
  // A formula whose cached result is an error (`#N/A`) reaches us as NaN.
  if (!Number.isFinite(n)) return { text: null, kind: 'error', error: '#NUM!' };
  if (Number.isInteger(n)) {
    const text = Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
    return Math.abs(n) >= 1e15 ? { text, kind: 'number', imprecise: true } : { text, kind: 'number' };
  }
  return { text: String(Number(n.toPrecision(15))), kind: 'number' };
}

/** A Date from exceljs (UTC fields hold the workbook's wall-clock time), rounded to the second. */
export function dateText(d: Date): CellText {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return { text: null, kind: 'error', error: '#VALUE!' };
  const t = new Date(Math.round(ms / 1000) * 1000);
  const date = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)}`;
  if (t.getUTCHours() === 0 && t.getUTCMinutes() === 0 && t.getUTCSeconds() === 0) {
    return { text: date, kind: 'date' };
  }
  const time = `${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}`;
  return { text: `${date}T${time}`, kind: 'timestamp' };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
