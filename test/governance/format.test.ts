/**
 * The backup format's parts: the two AEADs, the chunked archive (boundaries, the final flag), and the tar inside
 * it (ustar prefix names, GNU long names, base-256 sizes of 8 GiB and more; GNU tar reads what we write).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../governance/backups/byte-reader.ts';
import { readTar, TAR_END, tarHeader, tarPadding } from '../../governance/backups/tar.ts';
import { ArchiveWriter, aead, BACKUP_CIPHERS, readArchive } from '../../governance/index.ts';
import { tempDir } from '../helpers/tmp.ts';

async function* pieces(buf: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

describe('AEADs', () => {
  for (const cipher of BACKUP_CIPHERS) {
    it(`${cipher}: opens what it sealed, and nothing altered`, () => {
      const a = aead(cipher, randomBytes(32));
      const nonce = randomBytes(12);
      const plain = randomBytes(1000);
      const sealed = a.seal(nonce, plain, Buffer.from('aad'));
      expect(sealed.length).toBe(1000 + a.tagBytes);
      expect(a.open(nonce, sealed, Buffer.from('aad'))).toEqual(plain);
      const flipped = Buffer.from(sealed);
      flipped[10]! ^= 1;
      expect(a.open(nonce, flipped, Buffer.from('aad'))).toBeNull();
      expect(a.open(nonce, sealed, Buffer.from('aae'))).toBeNull();
      expect(a.open(randomBytes(12), sealed, Buffer.from('aad'))).toBeNull();
      expect(aead(cipher, randomBytes(32)).open(nonce, sealed, Buffer.from('aad'))).toBeNull();
      expect(a.open(nonce, sealed.subarray(0, 5), Buffer.from('aad'))).toBeNull();
    });
  }
});

describe('archive chunks', () => {
  const a = aead('aes-256-gcm', randomBytes(32));
  async function roundTrip(
    plain: Buffer,
    chunkBytes: number,
  ): Promise<{ out: Buffer; chunks: number; bytes: number }> {
    const parts: Buffer[] = [];
    const w = new ArchiveWriter(a, 'id-1', async (b) => void parts.push(Buffer.concat(b)), chunkBytes);
    await w.start();
    for await (const p of pieces(plain, 777)) await w.write(p);
    await w.finish();
    const archive = Buffer.concat(parts);
    expect(archive.length).toBe(w.bytes);
    let chunks = 0;
    const out: Buffer[] = [];
    for await (const p of readArchive(pieces(archive), a, 'id-1', 'test')) {
      chunks++;
      out.push(p);
    }
    return { out: Buffer.concat(out), chunks, bytes: archive.length };
  }

  it('round-trips empty, one-chunk, exact-multiple and ragged plaintexts', async () => {
    for (const [size, chunks] of [
      [0, 1],
      [100, 1],
      [4096, 1],
      [8192, 2],
      [8193, 3],
    ] as const) {
      const plain = randomBytes(size);
      const r = await roundTrip(plain, 4096);
      expect(r.out).toEqual(plain);
      expect(r.chunks, `size ${size}`).toBe(chunks);
    }
  });

  it('refuses an archive of another backup id, a dropped chunk and a swapped pair of chunks', async () => {
    const parts: Buffer[] = [];
    const w = new ArchiveWriter(a, 'id-1', async (b) => void parts.push(Buffer.concat(b)), 100);
    await w.start();
    await w.write(randomBytes(350));
    await w.finish();
    // parts: header, 4 chunks (100, 100, 100, 50 final).
    expect(parts).toHaveLength(5);
    const read = (bufs: Buffer[], id = 'id-1') =>
      collect(readArchive(pieces(Buffer.concat(bufs)), a, id, 'test'));
    await expect(read(parts, 'id-2')).rejects.toThrow(/chunk 0 .* does not authenticate/);
    await expect(read([parts[0]!, parts[1]!, parts[3]!, parts[4]!])).rejects.toThrow(
      /chunk 1 .* does not authenticate/,
    );
    await expect(read([parts[0]!, parts[2]!, parts[1]!, parts[3]!, parts[4]!])).rejects.toThrow(/chunk 0/);
    await expect(read(parts.slice(0, 4))).rejects.toThrow(/truncated: the archive ends after 3 chunks/);
  });
});

describe('tar inside the archive', () => {
  const entries = [
    { name: 'warehouse.duckdb', data: randomBytes(1500) },
    { name: 'warehouse.duckdb.wal', data: Buffer.alloc(0) },
    { name: `outbox/${'b'.repeat(90)}/gongshu_outbox_x.parquet`, data: randomBytes(10) }, // ustar prefix
    { name: `outbox/gongshu_outbox_${'y'.repeat(120)}.parquet`, data: randomBytes(513) }, // GNU long name
  ];
  const tar = Buffer.concat([
    ...entries.flatMap((e) => [
      tarHeader(e.name, e.data.length, Date.UTC(2026, 0, 1)),
      e.data,
      tarPadding(e.data.length),
    ]),
    TAR_END,
  ]);

  it('reads back what it writes', async () => {
    const got: { name: string; data: Buffer }[] = [];
    const n = await readTar(new ByteReader(pieces(tar, 300)), async (e) => {
      const parts: Buffer[] = [];
      return {
        write: async (b) => void parts.push(Buffer.from(b)),
        end: async () => void got.push({ name: e.name, data: Buffer.concat(parts) }),
      };
    });
    expect(n).toBe(4);
    expect(got).toEqual(entries);
  });

  it('is a tar file GNU tar lists', (ctx) => {
    if (spawnSync('tar', ['--version']).status !== 0) ctx.skip();
    const file = join(tempDir(), 'x.tar');
    writeFileSync(file, tar);
    const r = spawnSync('tar', ['-tf', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(entries.map((e) => e.name));
  });

  it('writes sizes of 8 GiB and more in base-256, and reads them back', async () => {
    const huge = 9 * 2 ** 30 + 5;
    const sizes: number[] = [];
    await expect(
      readTar(new ByteReader(pieces(tarHeader('warehouse.duckdb', huge, 0))), async (e) => {
        sizes.push(e.size);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(sizes).toEqual([huge]);
  });

  it('refuses unsafe names, a damaged header and data after the end', async () => {
    const sink = async () => ({ write: async () => {}, end: async () => {} });
    const bad = (name: string) => Buffer.concat([tarHeader(name, 0, 0), TAR_END]);
    await expect(readTar(new ByteReader(pieces(bad('../etc/passwd'))), sink)).rejects.toThrow(/unsafe name/);
    await expect(readTar(new ByteReader(pieces(bad('/abs'))), sink)).rejects.toThrow(/unsafe name/);
    const damaged = Buffer.from(tar);
    damaged[3]! ^= 1;
    await expect(readTar(new ByteReader(pieces(damaged)), sink)).rejects.toThrow(/damaged \(checksum\)/);
    await expect(
      readTar(new ByteReader(pieces(Buffer.concat([tar, Buffer.from('x')]))), sink),
    ).rejects.toThrow(/data after its end marker/);
    await expect(readTar(new ByteReader(pieces(tar.subarray(0, 2000))), sink)).rejects.toThrow(/ends inside/);
  });
});
