/** Where the CLI writes: data to stdout, notes to stderr; JSON for machines, tables for people. */
export interface Output {
  /** True when stdout is a terminal (human output, progress bars). */
  readonly tty: boolean;
  readonly color: boolean;
  /** Writes a line of data to stdout. */
  data(line: string): void;
  /** Writes one JSON value as a line to stdout. */
  json(value: unknown): void;
  /** Writes a human note to stderr. */
  note(line: string): void;
}

/** Where a session's output goes; set by cli/session.ts (no import cycle: output.ts is below it). */
let sessionOutput: (() => Output | undefined) | undefined;

/** Lets the session module route output of commands running inside the node service. */
export function routeSessionOutput(current: () => Output | undefined): void {
  sessionOutput = current;
}

/** The output of the running command: the process's (honouring NO_COLOR), or its session's inside the node service. */
export function processOutput(): Output {
  const routed = sessionOutput?.();
  if (routed) return routed;
  const tty = Boolean(process.stdout.isTTY);
  return {
    tty,
    color: tty && !process.env.NO_COLOR,
    data: (line) => process.stdout.write(`${line}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, jsonReplacer)}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
  };
}

/** JSON.stringify replacer: bigint as number when safe (else text), Date as ISO text. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return value;
}

/** Display width of text in a terminal: East Asian wide and full-width characters count 2. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, jsonReplacer);
  return String(v);
}

/** Renders rows as an aligned text table (CJK-aware); numbers right-aligned. */
export function formatTable(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string[] {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  // A loop, not Math.max(...cells): a spread of 300,000 rows overflows the stack.
  const widths = cols.map((c, i) =>
    cells.reduce((w, r) => Math.max(w, displayWidth(r[i]!)), displayWidth(c)),
  );
  const numeric = cols.map(
    (c) =>
      rows.length > 0 &&
      rows.every((r) => r[c] == null || typeof r[c] === 'number' || typeof r[c] === 'bigint'),
  );
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - displayWidth(text));
    return numeric[i] ? fill + text : text + fill;
  };
  return [
    cols.map((c, i) => pad(c, i)).join('  '),
    cols.map((_, i) => '─'.repeat(widths[i]!)).join('  '),
    ...cells.map((r) => r.map((v, i) => pad(v, i)).join('  ')),
  ].map((line) => line.trimEnd());
}
