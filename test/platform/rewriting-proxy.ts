import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Warehouse } from '../../warehouse/index.ts';
import { makeChunk } from './fixture.ts';

/**
 * A man in the middle between a child and its parent, at the HTTP level (plain http, as an attacker on the path
 * sees it):
 * - `forge-ack`: answers a push itself with a perfect acknowledgement (it reads the chunk's row count) and never
 *   forwards it: the rows are lost unless the child notices;
 * - `forge-refusal`: answers a push itself with a 403 `unknown-origin` refusal (a batch wrongly set aside);
 * - `rewrite-backflow`: forwards a backflow request and replaces the parent's Parquet answer with a made-up one
 *   (2 rows under the child's division, a header naming the child), keeping the parent's headers;
 * - `pass`: forwards everything unchanged.
 */
export class RewritingProxy {
  mode: 'pass' | 'forge-ack' | 'forge-refusal' | 'rewrite-backflow' = 'pass';
  forged = 0;
  private readonly server: http.Server;
  private n = 0;
  constructor(
    private readonly target: () => string,
    private readonly scratch: Warehouse,
    private readonly dir: string,
  ) {
    this.server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        this.handle(req, Buffer.concat(parts), res).catch((error: unknown) => {
          res.statusCode = 502;
          res.end(String(error));
        });
      });
    });
  }

  private async handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (this.mode === 'forge-ack' && url.pathname === '/v1/push') {
      const file = join(this.dir, `intercepted-${++this.n}.parquet`);
      writeFileSync(file, body);
      const rows = Number(
        (await this.scratch.value<bigint>(`SELECT sum(num_rows) FROM parquet_file_metadata('${file}')`)) ?? 0,
      );
      this.forged++;
      const ack = JSON.stringify({
        ack: true,
        batch: url.searchParams.get('batch'),
        seq: Number(url.searchParams.get('seq')),
        rows,
        duplicate: false,
        complete: true,
        outsideJurisdiction: 0,
        anchor: null,
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-gongshu-node': '650100',
        'x-gongshu-answer-to': String(req.headers['x-gongshu-nonce'] ?? ''),
        'x-gongshu-signature': Buffer.alloc(64, 1).toString('base64'),
      });
      res.end(ack);
      return;
    }
    if (this.mode === 'forge-refusal' && url.pathname === '/v1/push') {
      this.forged++;
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unknown-origin', message: 'forged refusal', status: 403 } }));
      return;
    }
    const upstream = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const out = http.request(
          new URL(req.url ?? '/', this.target()),
          { method: req.method, headers: { ...req.headers, host: new URL(this.target()).host } },
          (r) => {
            const parts: Buffer[] = [];
            r.on('data', (d: Buffer) => parts.push(d));
            r.on('end', () =>
              resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(parts) }),
            );
            r.on('error', reject);
          },
        );
        out.on('error', reject);
        out.end(body);
      },
    );
    let answer = upstream.body;
    if (
      this.mode === 'rewrite-backflow' &&
      url.pathname.startsWith('/v1/backflow/') &&
      upstream.status === 200
    ) {
      const header = JSON.parse(
        String(
          (
            await this.scratch.all<{ v: string }>(
              `SELECT decode(value) AS v FROM parquet_kv_metadata('${this.save(upstream.body)}') WHERE decode(key) = 'gongshu'`,
            )
          )[0]?.v,
        ),
      ) as { columns: string[] };
      const columns = [...header.columns, '_origin_node'].map((name) => ({ name, type: 'VARCHAR' }));
      const made = (n: number) =>
        columns.map((c) =>
          c.name === 'division' ? '650102' : c.name === '_origin_node' ? '650100' : `made-up-${n}`,
        );
      const values = columns.map((_, i) => [made(1)[i]!, made(2)[i]!]);
      answer = await makeChunk(
        this.scratch,
        join(this.dir, `made-up-${++this.n}.parquet`),
        header,
        columns,
        values,
      );
      this.forged++;
    }
    const headers = { ...upstream.headers, 'content-length': String(answer.byteLength) };
    delete headers['transfer-encoding'];
    res.writeHead(upstream.status, headers);
    res.end(answer);
  }

  private save(body: Buffer): string {
    const file = join(this.dir, `answer-${++this.n}.parquet`);
    writeFileSync(file, body);
    return file;
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
