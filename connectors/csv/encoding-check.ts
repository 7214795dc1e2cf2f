import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import type { CsvEncoding } from './encoding.ts';

/** The problem of a row whose text holds U+FFFD: bytes invalid in the file's encoding (or lost upstream). */
export function invalidBytesProblem(encoding: CsvEncoding): string {
  return `encoding: bytes invalid in ${encoding} (decoded as U+FFFD)`;
}

/** The problem of a row of a GB18030/GBK file whose line is UTF-8 text (the file mixes encodings). */
export function mixedLineProblem(encoding: CsvEncoding): string {
  return `encoding: the line is UTF-8 text in a ${encoding} file (decoding it as ${encoding} would garble it)`;
}

/**
 * The problem of a row of a UTF-8 file whose line is valid UTF-8 but GB18030 text, like the file's other GB18030
 * lines (`谢伟,女` in GB18030 is also the UTF-8 of `лΰ,Ů`).
 */
export function gbLikeLineProblem(): string {
  return 'encoding: the line reads as GB18030 text, like the lines of this utf-8 file that are not utf-8 (as utf-8 it would load as other scripts)';
}

/** What an `EncodingCheck` found (`findings()`), as plain data. */
export interface CheckFindings {
  readonly mixedLines: readonly number[];
  readonly invalidLines: readonly number[];
  readonly invalidCount: number;
  readonly invalidButGb: number;
  readonly hasReplacement: boolean;
  readonly lineTexts: ReadonlyMap<number, string>;
}

const LF = 10;
const CR = 13;
/** U+FFFD encoded as UTF-8. */
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Checks a text file's bytes line by line while it is read (the whole file, not a sample), counting line
 * breaks as the CSV parser does (LF, CR LF and a lone CR each end a line):
 *
 * - in a UTF-8 file, the lines holding bytes that are not UTF-8 (they decode as U+FFFD), e.g. GB18030 lines
 *   after a UTF-8 start: the file cannot go to DuckDB's reader as it is, and its rows are quarantined;
 * - in a GB18030/GBK file, the lines that are valid UTF-8 with at least two multi-byte characters: decoded as
 *   GB18030 they would load as mojibake, not as U+FFFD, so they are found here (`mixedLines`).
 *
 * Feed it the file's bytes after the byte-order mark with `push`, then call `end`.
 */
export class EncodingCheck {
  /**
   * Lines of the other encoding that decode without error, ascending: in a GB18030/GBK file, its UTF-8 lines; in a
   * UTF-8 file that mixes in GB18030 lines, the lines after the first of them that are valid UTF-8 but GB18030 text
   * (`gbLikeUtf8`).
   */
  readonly mixedLines: number[] = [];
  /** Lines of a UTF-8 file with invalid bytes, ascending (at most `LINES_KEPT`; `invalidCount` counts all). */
  readonly invalidLines: number[] = [];
  invalidCount = 0;
  /** Of the invalid lines of a UTF-8 file, how many decode as GB18030 (a mixed file rather than damage). */
  invalidButGb = 0;
  /** Whether the bytes hold U+FFFD themselves (a UTF-8 file): such rows are quarantined like invalid bytes. */
  hasReplacement = false;
  /**
   * The lines of the other encoding decoded as what they are, by the line they start on (with their line breaks):
   * UTF-8 lines of a GB18030/GBK file as UTF-8, GB18030 lines of a UTF-8 file as GB18030. Their rows are still
   * quarantined (the file mixes encodings), with these readable values rather than mojibake or U+FFFD
   * (connectors/csv/recover.ts). At most `TEXTS_KEPT` at a time: a reader may `delete` the lines it used.
   */
  readonly lineTexts = new Map<number, string>();
  #carry: Uint8Array = new Uint8Array(0);
  /** The number of the line `#carry` starts on. */
  #line = 1;
  readonly #gb: boolean;

  constructor(readonly encoding: CsvEncoding) {
    this.#gb = encoding !== 'utf-8';
  }

  /** The check of another thread (connectors/csv/check-worker.ts), from its findings. */
  static from(encoding: CsvEncoding, findings: CheckFindings): EncodingCheck {
    const check = new EncodingCheck(encoding);
    check.mixedLines.push(...findings.mixedLines);
    check.invalidLines.push(...findings.invalidLines);
    check.invalidCount = findings.invalidCount;
    check.invalidButGb = findings.invalidButGb;
    check.hasReplacement = findings.hasReplacement;
    for (const [line, text] of findings.lineTexts) check.lineTexts.set(line, text);
    return check;
  }

  /** What the check found, as plain data (to post from a worker thread). */
  findings(): CheckFindings {
    const { mixedLines, invalidLines, invalidCount, invalidButGb, hasReplacement, lineTexts } = this;
    return { mixedLines, invalidLines, invalidCount, invalidButGb, hasReplacement, lineTexts };
  }

  /** Whether the file (so far) holds bytes that are not UTF-8, in a file read as UTF-8. */
  get invalidUtf8(): boolean {
    return this.invalidCount > 0;
  }

  /** Checks the next bytes; complete lines are classified, the incomplete last one waits for more. */
  push(chunk: Uint8Array): void {
    const bytes = this.#carry.length === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    const last = bytes.lastIndexOf(LF);
    if (last < 0) {
      this.#carry = bytes;
      return;
    }
    this.#block(bytes.subarray(0, last + 1));
    this.#carry = bytes.slice(last + 1);
  }

  /** Classifies the last line (one without a trailing line break). */
  end(): void {
    if (this.#carry.length > 0) this.#block(this.#carry);
    this.#carry = new Uint8Array(0);
  }

  /**
   * One note for the load summary naming the encoding problem, or undefined when there is none.
   * @example 'encoding: 3 lines are not utf-8 (first at a.csv:70001); they decode as GB18030: the file mixes encodings; their rows are quarantined as encoding'
   */
  summary(file: string): string | undefined {
    if (this.invalidCount > 0) {
      const gb =
        this.invalidButGb === this.invalidCount
          ? '; they decode as GB18030: the file mixes encodings'
          : this.invalidButGb > 0
            ? `; ${this.invalidButGb} of them decode as GB18030: the file mixes encodings`
            : '';
      const n = this.mixedLines.length;
      const alike = n
        ? `; ${n} more line${n === 1 ? ' is' : 's are'} valid utf-8 but GB18030 text like them (first at ${file}:${this.mixedLines[0]})`
        : '';
      return (
        `encoding: ${this.invalidCount} line${this.invalidCount === 1 ? '' : 's'} ${this.invalidCount === 1 ? 'is' : 'are'} not ${this.encoding} ` +
        `(first at ${file}:${this.invalidLines[0]})${gb}${alike}; their rows are quarantined as encoding`
      );
    }
    if (this.mixedLines.length > 0) {
      const n = this.mixedLines.length;
      return (
        `encoding: ${n} line${n === 1 ? '' : 's'} of this ${this.encoding} file ${n === 1 ? 'is' : 'are'} UTF-8 text ` +
        `(first at ${file}:${this.mixedLines[0]}): the file mixes encodings; their rows are quarantined as encoding`
      );
    }
    return undefined;
  }

  /** Whether any of the lines `from`…`to` has a problem; which one (for the row's problem text). */
  problemIn(from: number, to: number): string | undefined {
    if (!anyIn(this.mixedLines, from, to)) return undefined;
    return this.#gb ? mixedLineProblem(this.encoding) : gbLikeLineProblem();
  }

  /** Keeps the text of the line starting at the current line, decoded as what it is. */
  #keep(line: Uint8Array, decoder: TextDecoder): void {
    if (this.lineTexts.size < TEXTS_KEPT) this.lineTexts.set(this.#line, decoder.decode(line));
  }

  /** Complete lines (ending in LF, except at the end of the file). */
  #block(block: Uint8Array): void {
    if (this.#gb) {
      if (!hasHighByte(block)) {
        this.#line += breaks(block);
        return;
      }
    } else {
      if (
        !this.hasReplacement &&
        Buffer.from(block.buffer, block.byteOffset, block.length).includes(REPLACEMENT)
      ) {
        this.hasReplacement = true;
      }
      // Once the file has shown GB18030 lines, valid lines are looked at one by one too (`gbLikeUtf8`).
      if (isUtf8(block) && (this.invalidButGb === 0 || !hasHighByte(block))) {
        this.#line += breaks(block);
        return;
      }
    }
    if (this.#gb && !hasLoneCr(block)) {
      // Every line ends at its LF (or the block's end): one break each, no per-line count or view (10M lines of a
      // GB18030 file: 0.2 s per million before).
      let start = 0;
      while (start < block.length) {
        let end = block.indexOf(LF, start);
        end = end < 0 ? block.length : end + 1;
        if (isUtf8Text(block, start, end)) {
          this.mixedLines.push(this.#line);
          this.#keep(block.subarray(start, end), UTF8);
        }
        if (block[end - 1] === LF) this.#line++;
        start = end;
      }
      return;
    }
    let start = 0;
    while (start < block.length) {
      let end = block.indexOf(LF, start);
      end = end < 0 ? block.length : end + 1;
      const line = block.subarray(start, end);
      const n = breaks(line);
      if (this.#gb) {
        if (isUtf8Text(line, 0, line.length)) {
          for (let i = 0; i < Math.max(n, 1); i++) this.mixedLines.push(this.#line + i);
          this.#keep(line, UTF8);
        }
      } else if (!isUtf8(line)) {
        this.invalidCount++;
        if (this.invalidLines.length < LINES_KEPT) this.invalidLines.push(this.#line);
        if (looksGb18030(line)) {
          this.invalidButGb++;
          this.#keep(line, GB18030);
        }
      } else if (this.invalidButGb > 0 && gbLikeUtf8(line)) {
        for (let i = 0; i < Math.max(n, 1); i++) this.mixedLines.push(this.#line + i);
        this.#keep(line, GB18030);
      }
      this.#line += n;
      start = end;
    }
  }
}

/** How many invalid lines of a UTF-8 file are remembered for the summary. */
const LINES_KEPT = 10;

/** How many lines of the other encoding have their text kept at a time (`lineTexts`). */
export const TEXTS_KEPT = 10_000;

const UTF8 = new TextDecoder('utf-8');
const GB18030 = new TextDecoder('gb18030');

/** Line breaks in the bytes: LF, CR LF (one) and a lone CR, as the parser counts them. */
function breaks(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) n++;
  for (let i = bytes.indexOf(CR); i !== -1; i = bytes.indexOf(CR, i + 1)) if (bytes[i + 1] !== LF) n++;
  return n;
}

function hasHighByte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

/**
 * Valid UTF-8 holding at least two CJK ideographs (U+4E00–U+9FFF, three bytes led by E4–E9). GB18030 text
 * almost never is: its two-byte characters can pair up as two-byte UTF-8 (维 = CE AC is valid UTF-8 "ά"), but
 * a three-byte ideograph needs a GB lead byte E4–E9 followed by two bytes in 80–BF, twice, with every other
 * byte of the line valid too.
 */
function isUtf8Text(bytes: Uint8Array, start: number, end: number): boolean {
  let ideographs = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    // Most GB18030 lines fail here, at their first non-ASCII byte.
    const n = b > 0xf4 ? 0 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    if (n === 0) return false;
    for (let k = 1; k < n; k++) if (i + k >= end || ((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return false;
    if (n === 3 && b >= 0xe4 && b <= 0xe9) ideographs++;
    i += n - 1;
  }
  return ideographs >= 2 && isUtf8(bytes.subarray(start, end));
}

/**
 * Whether a valid UTF-8 line of a file that mixes in GB18030 lines is GB18030 text too: it has non-ASCII
 * characters, all of them two-byte in UTF-8 (Latin, Greek, Cyrillic, Hebrew, Arabic… but no CJK, which UTF-8
 * writes in three bytes), and as GB18030 it is well-formed and holds CJK ideographs. Short GB18030 rows of
 * names and sex (`谢伟,女`) are such lines. A UTF-8 line of only two-byte scripts after the file's first GB18030
 * line is taken for GB18030 too, and quarantined: its row is kept, and says so.
 */
function gbLikeUtf8(line: Uint8Array): boolean {
  let high = false;
  for (let i = 0; i < line.length; i++) {
    const b = line[i]!;
    if (b < 0x80) continue;
    if (b < 0xc2 || b > 0xdf) return false;
    high = true;
    i++;
  }
  return high && looksGb18030(line) && /[\u4e00-\u9fff]/.test(GB18030.decode(line));
}

/** Whether the bytes hold a CR not followed by LF (a line break of its own). */
function hasLoneCr(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(CR); i !== -1; i = bytes.indexOf(CR, i + 1))
    if (bytes[i + 1] !== LF) return true;
  return false;
}

/** Whether the bytes are well-formed GB18030 (single bytes, two-byte and four-byte sequences). */
function looksGb18030(line: Uint8Array): boolean {
  for (let i = 0; i < line.length; ) {
    const b = line[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b === 0x80 || b === 0xff) return false;
    const b2 = line[i + 1];
    if (b2 === undefined) return false;
    if ((b2 >= 0x40 && b2 <= 0x7e) || (b2 >= 0x80 && b2 <= 0xfe)) {
      i += 2;
      continue;
    }
    const b3 = line[i + 2];
    const b4 = line[i + 3];
    if (
      b2 >= 0x30 &&
      b2 <= 0x39 &&
      b3 !== undefined &&
      b3 >= 0x81 &&
      b3 <= 0xfe &&
      b4 !== undefined &&
      b4 >= 0x30 &&
      b4 <= 0x39
    ) {
      i += 4;
      continue;
    }
    return false;
  }
  return true;
}

/** Whether the sorted list holds a value in [from, to]. */
function anyIn(sorted: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= to;
}
