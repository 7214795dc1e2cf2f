/**
 * Audit archive segments: `segment-<first>-<last>.jsonl` (one stored audit entry per line, oldest first) and its
 * manifest `segment-<first>-<last>.json` (node, first seq and its prev_hash, last seq and its hash, entry count,
 * SM3 of the JSONL, the node's public key and an ed25519 signature over the rest). Written to temporary names and
 * renamed when complete; read back and checked by `readSegments`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AuditEntry,
  canonicalJson,
  entryHash,
  type NodeKeys,
  parsePublicKey,
  signBytes,
  sm3,
  verifyBytes,
} from '../../platform/index.ts';

/** The manifest of a segment. */
export interface SegmentManifest {
  readonly v: 1;
  readonly node: string;
  readonly file: string;
  readonly first: { readonly seq: number; readonly prevHash: string };
  readonly last: { readonly seq: number; readonly hash: string; readonly recordedAt: string };
  readonly entries: number;
  readonly sm3: string;
  readonly createdAt: string;
  readonly before: string;
  readonly publicKey: string | null;
  readonly signature: string | null;
}

/** A segment read back, with what is wrong with it. */
export interface ReadSegment {
  readonly manifest: SegmentManifest;
  readonly entries: readonly AuditEntry[];
  readonly problems: readonly string[];
}

const name = (first: number, last: number) =>
  `segment-${String(first).padStart(12, '0')}-${String(last).padStart(12, '0')}`;

/** Writes a segment of entries (consecutive, oldest first); returns its manifest. */
export function writeSegment(
  dir: string,
  options: {
    node: string;
    entries: readonly AuditEntry[];
    before: string;
    keys: NodeKeys | undefined;
    at: Date;
  },
): SegmentManifest {
  const { entries } = options;
  const first = entries[0]!;
  const last = entries.at(-1)!;
  mkdirSync(dir, { recursive: true });
  const base = name(first.seq, last.seq);
  const text = `${entries.map((e) => canonicalJson(e)).join('\n')}\n`;
  const unsigned = {
    v: 1 as const,
    node: options.node,
    file: `${base}.jsonl`,
    first: { seq: first.seq, prevHash: first.prev_hash },
    last: { seq: last.seq, hash: last.hash, recordedAt: last.recorded_at },
    entries: entries.length,
    sm3: sm3(text),
    createdAt: options.at.toISOString(),
    before: options.before,
    publicKey: options.keys?.publicText ?? null,
  };
  const manifest: SegmentManifest = {
    ...unsigned,
    signature: options.keys ? signBytes(options.keys.privateKey, Buffer.from(canonicalJson(unsigned))) : null,
  };
  const tmp = `.${base}.tmp-${process.pid}`;
  writeFileSync(join(dir, `${tmp}.jsonl`), text);
  writeFileSync(join(dir, `${tmp}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(join(dir, `${tmp}.jsonl`), join(dir, `${base}.jsonl`));
  renameSync(join(dir, `${tmp}.json`), join(dir, `${base}.json`));
  return manifest;
}

/** Reads every segment of a folder, oldest first, checking each on its own (hashes, links, SM3, signature). */
export function readSegments(dir: string): ReadSegment[] {
  if (!existsSync(dir)) return [];
  const out: ReadSegment[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /^segment-\d+-\d+\.json$/.test(f))
    .sort()) {
    const problems: string[] = [];
    const manifest = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SegmentManifest;
    const jsonl = join(dir, manifest.file);
    if (!existsSync(jsonl)) {
      out.push({ manifest, entries: [], problems: [`${manifest.file}: missing`] });
      continue;
    }
    const text = readFileSync(jsonl, 'utf8');
    if (sm3(text) !== manifest.sm3)
      problems.push(`${manifest.file}: its SM3 differs from the manifest: the segment was altered`);
    const { signature, ...unsigned } = manifest;
    if (manifest.publicKey && signature) {
      if (!verifyBytes(parsePublicKey(manifest.publicKey), Buffer.from(canonicalJson(unsigned)), signature))
        problems.push(`${file}: the signature does not verify: the manifest was altered`);
    } else problems.push(`${file}: unsigned (the node had no key pair when it was written)`);
    const entries = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEntry);
    let prev = manifest.first.prevHash;
    let seq = manifest.first.seq;
    for (const e of entries) {
      const { hash, ...body } = e;
      if (e.seq !== seq) problems.push(`${manifest.file}: entry ${e.seq} out of sequence (expected ${seq})`);
      if (entryHash(body) !== hash)
        problems.push(`${manifest.file}: entry ${e.seq} does not match its hash: it was edited`);
      if (e.prev_hash !== prev)
        problems.push(`${manifest.file}: entry ${e.seq} does not link to the entry before it`);
      prev = hash;
      seq = e.seq + 1;
    }
    if (entries.length !== manifest.entries || entries.at(-1)?.hash !== manifest.last.hash)
      problems.push(
        `${manifest.file}: holds ${entries.length} entries ending ${entries.at(-1)?.seq ?? '—'}; the manifest says ${manifest.entries} ending ${manifest.last.seq}`,
      );
    out.push({ manifest, entries, problems });
  }
  return out;
}
