/** Chunked CSV writing in the encodings departments use (UTF-8, UTF-8 with BOM, GB18030), atomically. */
import { createHash } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import iconv from 'iconv-lite';

/** File encodings the extracts use. */
export type ExtractEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';
/** Line endings the extracts use. */
export type LineEnding = '\r\n' | '\n';

/** One CSV field, quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const CHUNK_CHARS = 1 << 18;

/** Streams rows to `path` via a temporary file renamed on close; tracks bytes and SHA-256. */
export class CsvWriter {
  private buffer = '';
  private bytes = 0;
  private readonly hash = createHash('sha256');
  private pending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly handle: Awaited<ReturnType<typeof open>>,
    private readonly encoding: ExtractEncoding,
    private readonly eol: LineEnding,
  ) {}

  /** Opens a writer; the file appears at `path` only after `close()`. */
  static async create(path: string, encoding: ExtractEncoding, eol: LineEnding): Promise<CsvWriter> {
    const writer = new CsvWriter(path, await open(`${path}.partial`, 'w'), encoding, eol);
    if (encoding === 'utf-8-bom') writer.buffer = '\uFEFF';
    return writer;
  }

  /** Appends one row; returns the number of physical lines it occupies (embedded newlines count). */
  row(fields: readonly string[]): number {
    let line = '';
    let lines = 1;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (i > 0) line += ',';
      line += csvField(f);
      for (let j = f.indexOf('\n'); j >= 0; j = f.indexOf('\n', j + 1)) lines++;
    }
    this.buffer += line + this.eol;
    return lines;
  }

  /** Flushes the buffer if it is large; await it between batches of rows to bound memory. */
  async maybeFlush(): Promise<void> {
    if (this.buffer.length >= CHUNK_CHARS) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer === '') return;
    const bytes =
      this.encoding === 'gb18030' ? iconv.encode(this.buffer, 'gb18030') : Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    this.hash.update(bytes);
    this.bytes += bytes.length;
    await this.pending;
    this.pending = this.handle.write(bytes).then(() => undefined);
    await this.pending;
  }

  /** Writes the rest, closes and renames into place; returns size and SHA-256 (hex). */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.flush();
    await this.handle.close();
    await rename(`${this.path}.partial`, this.path);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}
