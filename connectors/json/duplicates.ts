/**
 * Keys that appear more than once in one JSON object. `JSON.parse` keeps the last value of such a key without a
 * word, so a record with two 身份证号 would silently lose the first: the connector quarantines it instead, with
 * the values JSON.parse dropped.
 */

/** A key repeated in one object: where (the path of keys and array indices to it) and the values dropped. */
export interface DuplicateKey {
  /** Keys and array indices from the document's root to the repeated key (the key last). */
  readonly path: readonly (string | number)[];
  /** The JSON text of each earlier value of the key (JSON.parse keeps only the last one). */
  readonly dropped: readonly string[];
}

interface ObjectFrame {
  readonly kind: 'object';
  /** This object's place in its parent (a key or an index); undefined at the root. */
  readonly at: string | number | undefined;
  readonly values: Map<string, string[]>;
  expectKey: boolean;
  key: string | undefined;
  valueStart: number;
}

interface ArrayFrame {
  readonly kind: 'array';
  readonly at: string | number | undefined;
  index: number;
}

type Frame = ObjectFrame | ArrayFrame;

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The repeated keys of a JSON text (assumed well-formed: call it after JSON.parse succeeded). One pass over the
 * characters; strings are skipped with indexOf. Returns an empty list for the common case.
 * @example duplicateKeys('{"a": 1, "a": 2}') // [{ path: ['a'], dropped: ['1'] }]
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  return hasDuplicateKey(text) ? findDuplicates(text) : [];
}

/** The cheap first pass: only whether some object repeats a key (no paths, no values). */
function hasDuplicateKey(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) return false;
      const keys = stack[stack.length - 1];
      if (keys && expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === 123 /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 91 /* [ */) {
      stack.push(null);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = stack[stack.length - 1] !== null && stack.length > 0;
    }
  }
  return false;
}

/** The full pass, with paths and the dropped values' text. */
function findDuplicates(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Frame[] = [];
  const here = (): string | number | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return undefined;
    return top.kind === 'object' ? top.key : top.index;
  };
  const closeValue = (frame: ObjectFrame, end: number) => {
    if (frame.key === undefined) return;
    const value = text.slice(frame.valueStart, end).trim();
    const list = frame.values.get(frame.key);
    if (list) list.push(value);
    else frame.values.set(frame.key, [value]);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) return found;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const earlier = top.values.get(key);
        if (earlier) {
          found.push({
            path: [...stack.map((f) => f.at).slice(1), key].filter((p) => p !== undefined) as (
              | string
              | number
            )[],
            dropped: [...earlier],
          });
        }
        top.key = key;
        top.expectKey = false;
        const colon = text.indexOf(':', end + 1);
        top.valueStart = colon + 1;
      }
      i = end;
    } else if (c === 123 /* { */) {
      stack.push({
        kind: 'object',
        at: here(),
        values: new Map(),
        expectKey: true,
        key: undefined,
        valueStart: 0,
      });
    } else if (c === 91 /* [ */) {
      stack.push({ kind: 'array', at: here(), index: 0 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      const frame = stack.pop();
      if (frame?.kind === 'object') closeValue(frame, i);
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') {
        closeValue(top, i);
        top.expectKey = true;
      } else if (top) top.index++;
    }
  }
  return found;
}

/** Whether the quote at `at` is escaped (preceded by an odd number of backslashes). */
function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= 0 && text.charCodeAt(j) === BACKSLASH; j--) n++;
  return n % 2 === 1;
}
