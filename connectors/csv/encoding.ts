import { isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { SourceError } from '../errors.ts';

/** A concrete text encoding the CSV reader decodes. */
export type CsvEncoding = 'utf-8' | 'gb18030' | 'gbk';

/** The encoding chosen for one file, how, and how many BOM bytes to skip. */
export interface EncodingDecision {
  readonly encoding: CsvEncoding;
  /** `detected` when chosen by auto-detection, `declared` when given in the options. */
  readonly how: 'detected' | 'declared';
  readonly bomLength: number;
}

/** How many bytes auto-detection tests for strict UTF-8. */
export const SAMPLE_BYTES = 64 * 1024;

/** Past an all-ASCII start, how far detection scans for the first non-ASCII byte (the choice is moot before). */
const ASCII_SCAN_LIMIT = 256 * 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const GB18030_BOM = [0x84, 0x31, 0x95, 0x33];

/**
 * Chooses the encoding of an open file: a UTF-8 (or GB18030) BOM decides; else the first 64 KiB holding
 * non-ASCII bytes is tested as strict UTF-8 — valid, or most of its non-ASCII lines valid → utf-8, else
 * gb18030 (a superset of GBK).
 * UTF-16/32 BOMs are refused with how to convert.
 */
export async function resolveEncoding(
  file: FileHandle,
  declared: CsvEncoding | 'auto',
  path: string,
): Promise<EncodingDecision> {
  const head = await readAt(file, 0, SAMPLE_BYTES);
  const unicodeBom = utf16Or32Bom(head);
  if (unicodeBom) {
    throw new SourceError(
      `${path}: the file is ${unicodeBom} (byte-order mark found); csv() reads UTF-8, GB18030 and GBK. ` +
        `Fix: convert it, e.g. \`iconv -f ${unicodeBom.replace(/ .*/, '')} -t UTF-8 in.csv > out.csv\`, ` +
        'or re-export it from the source system as UTF-8',
      { path, encoding: unicodeBom },
    );
  }
  const binary = binaryKind(head);
  if (binary) {
    throw new SourceError(
      `${path}: not a text file: ${binary}. This connector reads text (UTF-8, GB18030 or GBK). ` +
        'Fix: check that this is the file the department meant to send; export the data as CSV/JSON text' +
        (binary.includes('ZIP')
          ? ', or if it is an .xlsx workbook, name it .xlsx and read it with excel()'
          : ''),
      { path, binary },
    );
  }
  const utf8Bom = startsWith(head, UTF8_BOM);
  if (declared !== 'auto') {
    if (utf8Bom && declared !== 'utf-8') {
      throw new SourceError(
        `${path}: encoding is declared ${declared} but the file starts with a UTF-8 byte-order mark. ` +
          `Fix: csv({ encoding: 'utf-8' }) or csv({ encoding: 'auto' })`,
        { path, encoding: declared },
      );
    }
    const bomLength = utf8Bom ? 3 : declared === 'gb18030' && startsWith(head, GB18030_BOM) ? 4 : 0;
    return { encoding: declared, how: 'declared', bomLength };
  }
  if (utf8Bom) return { encoding: 'utf-8', how: 'detected', bomLength: 3 };
  if (startsWith(head, GB18030_BOM)) return { encoding: 'gb18030', how: 'detected', bomLength: 4 };
  const sample = await firstNonAsciiWindow(file, head);
  if (sample === undefined) return { encoding: 'utf-8', how: 'detected', bomLength: 0 };
  return {
    encoding:
      isStrictUtf8(sample.bytes, sample.eof) || mostLinesUtf8(sample.bytes, sample.eof) ? 'utf-8' : 'gb18030',
    how: 'detected',
    bomLength: 0,
  };
}

/**
 * Whether most lines of the sample holding non-ASCII bytes are valid UTF-8: a UTF-8 file with a damaged or
 * GB18030 line near its start stays UTF-8 (that line is quarantined as `encoding`), instead of the whole file
 * being decoded as GB18030 mojibake. A line cut at the end of the sample (more follows) is not counted.
 */
function mostLinesUtf8(bytes: Uint8Array, eof: boolean): boolean {
  let utf8 = 0;
  let other = 0;
  for (let start = 0; start < bytes.length; ) {
    const lf = bytes.indexOf(0x0a, start);
    if (lf < 0 && !eof) break;
    const end = lf < 0 ? bytes.length : lf;
    const line = bytes.subarray(start, end);
    if (line.some((b) => b >= 0x80)) {
      if (isUtf8(line)) utf8++;
      else other++;
    }
    start = end + 1;
  }
  return utf8 > other;
}

/** True when `bytes` decode as strict UTF-8; when more follows, a sequence cut at the end is not an error. */
export function isStrictUtf8(bytes: Uint8Array, eof: boolean): boolean {
  try {
    // With `stream: true` an incomplete trailing sequence is held back instead of rejected.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !eof });
    return true;
  } catch {
    return false;
  }
}

/** A streaming byte → text decoder that keeps multi-byte characters intact across chunk boundaries. */
export interface ChunkDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/**
 * Creates the streaming decoder for an encoding. Invalid bytes become U+FFFD (the reader flags such rows).
 *
 * GB18030 goes through Node's built-in `TextDecoder('gb18030')` (ICU, the WHATWG decoder, which follows
 * GB 18030-2022): about 2× faster than iconv-lite, and it decodes the 18 two-byte codes that the 2005 edition
 * mapped to the private-use area (A6D9–A6DF, A6EC, A6ED, A6F3 → U+FE10–U+FE19; FE59, FE61, FE66, FE67, FE6D,
 * FE7E, FE90, FEA0 → U+9FB4–U+9FBB) to their standard code points, and unassigned four-byte codes to U+FFFD
 * (see README, "GB18030 decoding"). A Node built without full ICU has no such decoder: iconv-lite then decodes
 * (2005 mapping).
 *
 * GBK goes through iconv-lite, but only ever in pieces that end on a character boundary: its DBCS decoder drops
 * code units when a sequence is completed by bytes carried over from the previous `write()` (e.g. a 4-byte
 * supplementary character split after its third byte; pillarjs/iconv-lite#417).
 */
export function createDecoder(encoding: CsvEncoding): ChunkDecoder {
  const builtIn = encoding === 'utf-8' ? 'utf-8' : encoding === 'gb18030' ? gb18030Decoder() : undefined;
  if (builtIn) {
    // TextDecoder keeps a character split across chunks whole (`stream: true`).
    const decoder = new TextDecoder(builtIn, { ignoreBOM: true });
    return {
      write: (chunk) => decoder.decode(chunk, { stream: true }),
      end: () => decoder.decode(),
    };
  }
  return iconvDecoder(encoding);
}

/** `'gb18030'` when this Node's TextDecoder supports it (full ICU), else undefined. */
function gb18030Decoder(): 'gb18030' | undefined {
  if (hasGb18030 === undefined) {
    try {
      new TextDecoder('gb18030');
      hasGb18030 = true;
    } catch {
      hasGb18030 = false;
    }
  }
  return hasGb18030 ? 'gb18030' : undefined;
}
let hasGb18030: boolean | undefined;

/** The iconv-lite decoder (GBK; GB18030 on a Node without full ICU), fed whole characters only. */
function iconvDecoder(encoding: CsvEncoding): ChunkDecoder {
  const decoder = iconv.getDecoder(encoding, { stripBOM: false });
  let held: Uint8Array = new Uint8Array(0);
  return {
    write(chunk) {
      const bytes = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const cut = lastBoundary(bytes);
      held = bytes.subarray(cut);
      return cut === 0 ? '' : decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, cut));
    },
    end() {
      const rest = held.length === 0 ? '' : decoder.write(Buffer.from(held));
      held = new Uint8Array(0);
      return rest + (decoder.end() ?? '');
    },
  };
}

/**
 * The index just past the last byte that cannot belong to a GB18030/GBK multi-byte sequence
 * (0x00–0x2F, 0x3A–0x3F: line breaks, comma, tab, quote, semicolon, space, digits' neighbours), so the
 * bytes before it end on a character boundary. 0 when the chunk has none (it is held for the next one).
 */
function lastBoundary(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i]!;
    if (b < 0x30 || (b > 0x39 && b < 0x40)) return i + 1;
  }
  return 0;
}

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
export async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The 64 KiB window starting at the first non-ASCII byte, or undefined when the file is all ASCII. */
async function firstNonAsciiWindow(
  file: FileHandle,
  head: Uint8Array,
): Promise<{ bytes: Uint8Array; eof: boolean } | undefined> {
  let position = 0;
  let chunk = head;
  while (chunk.length > 0 && position < ASCII_SCAN_LIMIT) {
    const at = chunk.findIndex((b) => b >= 0x80);
    if (at >= 0) {
      const bytes = await readAt(file, position + at, SAMPLE_BYTES);
      return { bytes, eof: bytes.length < SAMPLE_BYTES };
    }
    position += chunk.length;
    chunk = await readAt(file, position, 1024 * 1024);
  }
  return undefined;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function utf16Or32Bom(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0xff, 0xfe, 0, 0])) return 'UTF-32LE';
  if (startsWith(bytes, [0, 0, 0xfe, 0xff])) return 'UTF-32BE';
  if (startsWith(bytes, [0xff, 0xfe])) return 'UTF-16LE';
  if (startsWith(bytes, [0xfe, 0xff])) return 'UTF-16BE';
  return undefined;
}

/** File signatures of the binary formats a department may send by mistake under a text name. */
const SIGNATURES: readonly (readonly [readonly number[], string])[] = [
  [[0x89, 0x50, 0x4e, 0x47], 'it starts like a PNG image'],
  [[0xff, 0xd8, 0xff], 'it starts like a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'it starts like a GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'it starts like a PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'it starts like a ZIP archive (.xlsx and .docx files are ZIP archives)'],
  [[0x1f, 0x8b], 'it starts like a gzip archive'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'it starts like an old Office file (.xls/.doc)'],
  [[0x50, 0x41, 0x52, 0x31], 'it starts like a Parquet file'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'it starts like a 7z archive'],
  [[0x52, 0x61, 0x72, 0x21], 'it starts like a RAR archive'],
];

/**
 * Why the first bytes are not text, or undefined when they may be: a known binary signature, a NUL byte, or
 * more than 1% control characters (other than tab, line breaks, form feed and the DOS end-of-file mark).
 */
export function binaryKind(head: Uint8Array): string | undefined {
  for (const [signature, what] of SIGNATURES) if (startsWith(head, signature)) return what;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) return `it holds NUL bytes (at byte ${i})`;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) controls++;
  }
  if (head.length > 0 && controls > head.length / 100) {
    return `${controls} of its first ${head.length} bytes are control characters`;
  }
  return undefined;
}
