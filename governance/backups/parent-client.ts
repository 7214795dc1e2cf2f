/**
 * The child's side of backups kept by the parent node: uploads the archive in signed pieces (resumable: a
 * retried piece overwrites from its offset), completes it with the manifest, lists, streams back and removes.
 */
import { open } from 'node:fs/promises';
import {
  type NodeKeys,
  signedRequest,
  signRequest,
  TransportError,
  withRetries,
} from '../../platform/index.ts';
import { BackupDestinationError, BackupError } from './errors.ts';
import { type Manifest, parseManifest } from './manifest.ts';

/** How a child reaches its parent. */
export interface ParentLink {
  /** The parent's id and base URL (platform.parent). */
  readonly id: string;
  readonly url: string;
  /** This node's id and key pair (requests are signed with it). */
  readonly node: string;
  readonly keys: Pick<NodeKeys, 'privateKey'>;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  /** Bytes per upload request. */
  readonly chunkBytes: number;
  readonly logger?: { warn(msg: string): void } | undefined;
}

/** A child's backups at its parent node. */
export class ParentStore {
  readonly where: string;

  constructor(
    readonly link: ParentLink,
    readonly name: string,
  ) {
    this.where = `destination ${name} (parent ${link.id} at ${link.url})`;
  }

  private fail(what: string, error: unknown): never {
    if (error instanceof TransportError) {
      throw new BackupDestinationError(
        `${this.where}: cannot ${what}: ${error.message}`,
        { where: this.where, status: error.status },
        { cause: error, retryable: error.retryable },
      );
    }
    throw error;
  }

  private async request(what: string, method: 'GET' | 'POST', path: string, body?: Buffer) {
    try {
      return await withRetries(
        () =>
          signedRequest({
            baseUrl: this.link.url,
            node: this.link.node,
            keys: this.link.keys,
            method,
            path,
            ...(body ? { body } : {}),
            timeoutMs: this.link.timeoutMs,
          }),
        {
          attempts: this.link.attempts,
          backoffMs: this.link.backoffMs,
          logger: this.link.logger as never,
          what: `backup ${what} → ${this.link.id}`,
        },
      );
    } catch (error) {
      this.fail(what, error);
    }
  }

  /** Uploads a complete archive file and its manifest. */
  async put(archiveFile: string, manifest: Manifest): Promise<void> {
    const fh = await open(archiveFile, 'r');
    try {
      const buf = Buffer.alloc(Math.min(this.link.chunkBytes, Math.max(manifest.archive.bytes, 1)));
      let offset = 0;
      do {
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        await this.request(
          `upload ${manifest.id}`,
          'POST',
          `/v1/backups/${manifest.id}/archive?offset=${offset}`,
          buf.subarray(0, bytesRead),
        );
        offset += bytesRead;
      } while (offset < manifest.archive.bytes);
    } finally {
      await fh.close();
    }
    await this.request(
      `complete ${manifest.id}`,
      'POST',
      `/v1/backups/${manifest.id}/complete`,
      Buffer.from(JSON.stringify(manifest)),
    );
  }

  /** The child's complete backups at the parent, newest first. */
  async list(): Promise<{ manifests: Manifest[]; problems: string[] }> {
    const res = await this.request('list', 'GET', '/v1/backups');
    const raw = res.json<{ backups?: unknown[] }>().backups ?? [];
    const manifests: Manifest[] = [];
    const problems: string[] = [];
    for (const m of raw) {
      try {
        manifests.push(parseManifest(JSON.stringify(m), this.where));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    return { manifests, problems };
  }

  /** Whether the parent holds a complete backup. */
  async has(id: string): Promise<boolean> {
    return (await this.list()).manifests.some((m) => m.id === id);
  }

  /** The manifest of a backup at the parent. */
  async manifest(id: string): Promise<Manifest> {
    const m = (await this.list()).manifests.find((x) => x.id === id);
    if (!m) throw new BackupError(`${this.where}: no backup ${id}`, { id, where: this.where });
    return m;
  }

  /** Streams a backup's archive back from the parent. */
  async *archive(id: string): AsyncGenerator<Uint8Array> {
    const path = `/v1/backups/${id}/archive`;
    const url = new URL(path, this.link.url);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: signRequest({
          node: this.link.node,
          privateKey: this.link.keys.privateKey,
          method: 'GET',
          path,
        }),
        signal: AbortSignal.timeout(Math.max(this.link.timeoutMs, 10 * 60_000)),
      });
    } catch (error) {
      this.fail(
        `download ${id}`,
        new TransportError(`GET ${url.href}: ${(error as Error).message}`, { retryable: true, cause: error }),
      );
    }
    if (res.status >= 400 || !res.body) {
      const text = await res.text().catch(() => '');
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON
      }
      this.fail(
        `download ${id}`,
        new TransportError(`GET ${url.href}: ${res.status}: ${message}`, {
          status: res.status,
          retryable: res.status >= 500,
        }),
      );
    }
    try {
      yield* res.body as unknown as AsyncIterable<Uint8Array>;
    } catch (error) {
      this.fail(
        `download ${id}`,
        new TransportError(`GET ${url.href}: the connection broke: ${(error as Error).message}`, {
          retryable: true,
          cause: error,
        }),
      );
    }
  }

  /** Removes a backup at the parent. */
  async remove(id: string): Promise<void> {
    await this.request(`remove ${id}`, 'POST', `/v1/backups/${id}/delete`);
  }
}
