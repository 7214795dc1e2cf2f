/** Receives each parsed record: its fields, the 1-based line it starts on, and a problem (or null). */
export type RecordSink = (fields: string[], line: number, problem: string | null) => void;

/** Settings of one parse. */
export interface ParserSettings {
  readonly delimiter: string;
  readonly quote: string;
  /** Physical lines to skip before the first record (titles above the header). */
  readonly skipLines: number;
}

const CR = 13;
const LF = 10;

enum State {
  /** Before the first character of a field. */
  FieldStart = 0,
  /** Inside an unquoted field. */
  Unquoted = 1,
  /** Inside a quoted field. */
  Quoted = 2,
  /** Just after a quote inside a quoted field: a doubled quote or the closing one. */
  QuoteSeen = 3,
  /** Skipping title lines. */
  Skip = 4,
}

/**
 * An incremental RFC 4180 parser: feed it text in arbitrary pieces with `push`, then call `end`.
 * Handles quoted fields with delimiters, doubled quotes and line breaks; CRLF, LF and lone CR; skips
 * blank lines (still counting them); never emits a record for a trailing line break. Malformed input
 * (text after a closing quote, an unterminated quote at the end) is reported as the record's problem.
 */
export class CsvParser {
  readonly #delimiter: number;
  readonly #quote: number;
  readonly #quoteChar: string;
  readonly #sink: RecordSink;
  #state: State;
  #skip: number;
  #fields: string[] = [];
  /** Text of the current field carried over from earlier pieces (or consumed quoted content). */
  #carry = '';
  #line = 1;
  #recordLine = 1;
  #quoteLine = 1;
  #pendingCR = false;
  #quotedInRecord = false;
  #problem: string | null = null;

  constructor(settings: ParserSettings, sink: RecordSink) {
    this.#delimiter = settings.delimiter.charCodeAt(0);
    this.#quote = settings.quote.charCodeAt(0);
    this.#quoteChar = settings.quote;
    this.#sink = sink;
    this.#skip = settings.skipLines;
    this.#state = settings.skipLines > 0 ? State.Skip : State.FieldStart;
  }

  /** Parses the next piece of text; complete records go to the sink. */
  push(text: string): void {
    const delimiter = this.#delimiter;
    const quote = this.#quote;
    const n = text.length;
    let state = this.#state;
    let start = 0;
    let i = 0;
    if (this.#pendingCR) {
      this.#pendingCR = false;
      if (n > 0 && text.charCodeAt(0) === LF) i = 1;
    }
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      switch (state) {
        case State.FieldStart:
          if (c === quote) {
            state = State.Quoted;
            start = i + 1;
            this.#quotedInRecord = true;
            this.#quoteLine = this.#line;
          } else if (c === delimiter) {
            this.#fields.push('');
          } else if (c === CR || c === LF) {
            this.#fields.push('');
            i = this.#endLine(text, i, c);
          } else {
            state = State.Unquoted;
            start = i;
          }
          break;
        case State.Unquoted:
          for (; i < n; i++) {
            const u = text.charCodeAt(i);
            if (u === delimiter || u === CR || u === LF) break;
          }
          if (i === n) break;
          this.#fields.push(this.#carry + text.slice(start, i));
          this.#carry = '';
          state = State.FieldStart;
          if (text.charCodeAt(i) !== delimiter) i = this.#endLine(text, i, text.charCodeAt(i));
          break;
        case State.Quoted:
          for (; i < n; i++) {
            const q = text.charCodeAt(i);
            if (q === quote) break;
            if (q === LF) this.#line++;
            else if (q === CR) {
              this.#line++;
              if (i + 1 < n) {
                if (text.charCodeAt(i + 1) === LF) i++;
              } else this.#pendingCR = true;
            }
          }
          if (i === n) break;
          this.#carry += text.slice(start, i);
          state = State.QuoteSeen;
          break;
        case State.QuoteSeen:
          if (c === quote) {
            this.#carry += this.#quoteChar;
            state = State.Quoted;
            start = i + 1;
          } else if (c === delimiter) {
            this.#fields.push(this.#carry);
            this.#carry = '';
            state = State.FieldStart;
          } else if (c === CR || c === LF) {
            this.#fields.push(this.#carry);
            this.#carry = '';
            state = State.FieldStart;
            i = this.#endLine(text, i, c);
          } else {
            this.#addProblem(`quote: text after the closing quote in field ${this.#fields.length + 1}`);
            state = State.Unquoted;
            start = i;
            i--;
          }
          break;
        case State.Skip:
          for (; i < n; i++) {
            const s = text.charCodeAt(i);
            if (s === CR || s === LF) break;
          }
          if (i === n) break;
          this.#line++;
          if (text.charCodeAt(i) === CR) {
            if (i + 1 < n) {
              if (text.charCodeAt(i + 1) === LF) i++;
            } else this.#pendingCR = true;
          }
          this.#recordLine = this.#line;
          if (--this.#skip === 0) state = State.FieldStart;
          break;
      }
    }
    if (state === State.Unquoted || state === State.Quoted) this.#carry += text.slice(start);
    this.#state = state;
  }

  /** Finishes the input: emits the last record if it has no trailing line break. */
  end(): void {
    switch (this.#state) {
      case State.Quoted:
        this.#addProblem(`quote: unterminated quoted field opened on line ${this.#quoteLine}`);
        this.#fields.push(this.#carry);
        break;
      case State.Unquoted:
      case State.QuoteSeen:
        this.#fields.push(this.#carry);
        break;
      case State.FieldStart:
        if (this.#fields.length === 0) return;
        this.#fields.push('');
        break;
      case State.Skip:
        return;
    }
    this.#carry = '';
    this.#state = State.FieldStart;
    this.#emit();
  }

  /** Ends the record at the line break `c` at `i`; returns the index of its last character (CRLF → LF). */
  #endLine(text: string, i: number, c: number): number {
    this.#emit();
    this.#line++;
    this.#recordLine = this.#line;
    if (c === CR) {
      if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === LF) return i + 1;
      } else this.#pendingCR = true;
    }
    return i;
  }

  #emit(): void {
    const fields = this.#fields;
    this.#fields = [];
    const blank = fields.length === 1 && fields[0] === '' && !this.#quotedInRecord;
    if (!blank) this.#sink(fields, this.#recordLine, this.#problem);
    this.#problem = null;
    this.#quotedInRecord = false;
  }

  #addProblem(message: string): void {
    this.#problem = this.#problem === null ? message : `${this.#problem}; ${message}`;
  }
}

/**
 * Picks the delimiter of a text sample: for each candidate, the number of fields of the first records
 * (quote-aware, after `skipLines`); the winner has the most records agreeing with its header count
 * (which must exceed 1), then the higher count, then the candidate order. Falls back to the first candidate.
 * Set `complete` when the sample is the whole file (its last record is then counted too).
 */
export function sniffDelimiter(
  sample: string,
  candidates: readonly string[],
  quote: string,
  skipLines: number,
  complete: boolean,
): { delimiter: string; consistent: boolean } {
  const RECORDS = 20;
  let best: { delimiter: string; score: number; width: number; consistent: boolean } | undefined;
  for (const delimiter of candidates) {
    const widths: number[] = [];
    const parser = new CsvParser({ delimiter, quote, skipLines }, (fields) => {
      if (widths.length < RECORDS) widths.push(fields.length);
    });
    parser.push(sample);
    if (complete) parser.end();
    const width = widths[0] ?? 0;
    if (width < 2) continue;
    const score = widths.filter((w) => w === width).length;
    if (!best || score > best.score || (score === best.score && width > best.width)) {
      best = { delimiter, score, width, consistent: score === widths.length };
    }
  }
  return best
    ? { delimiter: best.delimiter, consistent: best.consistent }
    : { delimiter: candidates[0] ?? ',', consistent: false };
}
