/** Paths into a definition as written: the value found there and the path as a reader writes it. */

/** The value at `path` inside `input`, or undefined where the path leaves the objects. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `fields[2].name`: keys joined by dots, indexes in brackets; `empty` for the root. */
export function plainPath(path: readonly PropertyKey[], empty: string): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out === '' ? empty : out;
}
