import { createHash } from 'node:crypto';

/** A JSON number kept as its source text (used when a page holds numbers a double cannot represent). */
export class JsonNumber {
  constructor(readonly text: string) {}
  valueOf(): number {
    return Number(this.text);
  }
}

// Numbers with 16+ significant digits (an 18-digit identity number sent as a number) lose digits in a double.
const LONG_NUMBER = /(?:^|[:,[])\s*-?(?:\d{16,}|\d+\.\d{16,})/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Parses JSON text. Uses the native parser unless the text holds a number of 16+ significant digits; then
 * every number is parsed as a JsonNumber keeping its digits. Throws SyntaxError on invalid JSON.
 */
export function parseJson(text: string): unknown {
  return LONG_NUMBER.test(text) ? parseJsonLossless(text) : JSON.parse(text);
}

/** A JSON parser that returns numbers as JsonNumber (exact source digits). */
export function parseJsonLossless(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const skip = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return undefined;
    i += m[0].length;
    return m[0];
  };
  const value = (): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: Record<string, unknown> = {};
      skip();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skip();
        const raw = match(STRING) ?? fail('expected a property name');
        const key = JSON.parse(raw) as string;
        skip();
        if (text[i++] !== ':') fail('expected ":"');
        Object.defineProperty(object, key, {
          value: value(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skip();
        const next = text[i++];
        if (next === '}') return object;
        if (next !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const array: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(value());
        skip();
        const next = text[i++];
        if (next === ']') return array;
        if (next !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return JSON.parse(match(STRING) ?? fail('invalid string')) as string;
    for (const [word, result] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return result;
      }
    }
    return new JsonNumber(match(NUMBER) ?? fail('unexpected character'));
  };
  const result = value();
  skip();
  if (i < text.length) fail('unexpected text after the JSON value');
  return result;
}

/** The value at a dotted path (`data.list`; numeric segments index arrays; `''` = the root), else undefined. */
export function valueAt(root: unknown, path: string): unknown {
  if (path === '') return root;
  let value = root;
  for (const segment of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (isPlainObject(value) && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** Whether a parsed JSON value is an object (not an array, not a JsonNumber). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

/**
 * A record as (column, value) pairs in key order. With `flatten`, nested non-empty objects become `a.b`
 * columns; arrays and empty objects stay whole (JSON text). A record that is not an object is one `value` column.
 */
export function recordEntries(record: unknown, flatten: boolean): [string, unknown][] {
  if (!isPlainObject(record)) return [['value', record]];
  const out: [string, unknown][] = [];
  const walk = (object: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (flatten && isPlainObject(value) && Object.keys(value).length > 0) walk(value, name);
      else out.push([name, value]);
    }
  };
  walk(record, '');
  return out;
}

/**
 * A JSON value as column text: strings as they are, `true`/`false`, numbers in their shortest exact
 * spelling (source digits when a double would lose some), objects and arrays as JSON, null as null.
 */
export function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (value instanceof JsonNumber) return numberText(value.text);
  return toJsonText(value);
}

function numberText(raw: string): string {
  const digits = raw
    .replace(/[eE].*$/, '')
    .replace(/\D/g, '')
    .replace(/^0+/, '');
  return digits.length <= 15 ? String(Number(raw)) : raw;
}

/** Serialises a parsed value back to JSON, JsonNumbers as their source digits. */
export function toJsonText(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A content hash of a page's records, to detect an API that serves the same page twice. */
export function contentHash(records: readonly unknown[]): string {
  return createHash('sha256').update(toJsonText(records)).digest('hex');
}
