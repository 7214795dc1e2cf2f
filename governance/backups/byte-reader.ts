/** Reads exact byte counts, or whatever is buffered, from an async stream of byte pieces. */
export class ByteReader {
  private piece: Buffer = Buffer.alloc(0);
  private offset = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Uint8Array>;
  /** Bytes handed out so far. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.offset >= this.piece.length) {
      if (this.done) return false;
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      const v = next.value;
      this.piece = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.offset = 0;
    }
    return true;
  }

  /** Up to `max` bytes (at least one), or null at the end of the stream. */
  async some(max: number): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    const n = Math.min(max, this.piece.length - this.offset);
    const out = this.piece.subarray(this.offset, this.offset + n);
    this.offset += n;
    this.position += n;
    return out;
  }

  /** Exactly `n` bytes; fewer (possibly none) when the stream ends first. */
  async exact(n: number): Promise<Buffer> {
    const first = await this.some(n);
    if (first === null) return Buffer.alloc(0);
    if (first.length === n) return first;
    const parts = [first];
    let got = first.length;
    while (got < n) {
      const more = await this.some(n - got);
      if (more === null) break;
      parts.push(more);
      got += more.length;
    }
    return Buffer.concat(parts, got);
  }

  /** Stops reading the source early (e.g. after an error). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
