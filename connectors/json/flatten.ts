/** How nested objects become columns. */
export interface FlattenSettings {
  readonly separator: string;
  /** Nesting levels flattened; undefined = all. */
  readonly maxDepth?: number | undefined;
}

/** One record's leaves: flattened column name → canonical text (or null), plus problems found. */
export interface FlatRecord {
  readonly values: Map<string, string | null>;
  readonly problems: string[];
}

/**
 * Flattens one JSON record: nested objects become `a.b.c` keys (up to `maxDepth` levels; deeper objects
 * and all arrays are kept as JSON text), numbers become canonical text, booleans `true`/`false`, null null.
 * An integer beyond 2^53 was already rounded by the JSON parser: it is kept and reported as a problem.
 */
export function flattenRecord(record: Record<string, unknown>, settings: FlattenSettings): FlatRecord {
  const values = new Map<string, string | null>();
  const problems: string[] = [];
  const walk = (object: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix === '' ? key : `${prefix}${settings.separator}${key}`;
      if (typeof value === 'object' && value !== null && nestsBeyond(value, MAX_JSON_DEPTH - depth - 1)) {
        // Kept out of the row (it would overflow the stack); the record is quarantined with its other fields.
        values.set(name, null);
        problems.push(
          `json-depth: field ${name} nests more than ${MAX_JSON_DEPTH} levels deep; json() reads up to ${MAX_JSON_DEPTH}`,
        );
      } else if (
        isPlainObject(value) &&
        Object.keys(value).length > 0 &&
        depth < (settings.maxDepth ?? Infinity)
      ) {
        walk(value, name, depth + 1);
      } else {
        values.set(name, leafText(value));
        if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
          problems.push(
            `json-number-precision: field ${name} holds an integer beyond 2^53; send it as a string`,
          );
        }
      }
    }
  };
  walk(record, '', 0);
  return { values, problems };
}

/** How deep a record may nest (objects and arrays); deeper values are refused, not parsed into a stack overflow. */
export const MAX_JSON_DEPTH = 100;

/** Whether `value` (an object or array) nests more than `levels` levels below itself; iterative, stops early. */
function nestsBeyond(value: object, levels: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > levels) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return false;
}

/** The flattened column names of a record, in key order (for discovering the columns). */
export function flattenKeys(record: Record<string, unknown>, settings: FlattenSettings): string[] {
  return [...flattenRecord(record, settings).values.keys()];
}

function leafText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** True for `{…}` (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a JSON value is, for messages: `an object`, `an array`, `a string`, `null`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
