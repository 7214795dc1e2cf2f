/**
 * Outputs under grants: share exports (CSV, JSON, Parquet with metadata) through the output policy of the
 * grant's audience, and backflow between two real nodes over loopback HTTP — refused without a grant, served
 * with one (its columns, its division, the backflow policy), each fulfilment logged as a usage entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decideRequest,
  exportShare,
  listUsage,
  requestFromParent,
  reviewRequest,
  submitRequest,
  submitToParent,
  verifyUsage,
} from '../../governance/index.ts';
import { listAudit, requestBackflow, verifyAudit } from '../../platform/index.ts';
import { findCitizenIds } from '../../reports/index.ts';
import { type CatalogEntryInput, defineCatalogEntry, parseCitizenId } from '../../schemas/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hierarchy, hukouEntry, operator, prefecture } from './sharing-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const requester = { department: '市民政局', operator: 'wang.fang' };

/** Every 18-character run of the text that is a valid citizen ID. */
function validIds(text: string): string[] {
  return [...text.matchAll(/[0-9]{17}[0-9Xx]/g)].map((m) => m[0]).filter((id) => parseCitizenId(id).valid);
}

async function granted(
  ctx: Awaited<ReturnType<typeof prefecture>>['ctx'],
  audience: 'department' | 'public',
  columns: string[],
) {
  const r = await submitRequest(ctx, {
    dataset: 'hukou',
    columns,
    purpose: '老龄补贴测算',
    basis: '《老年人权益保障法》',
    audience,
    requester,
    at: new Date(),
  });
  await reviewRequest(ctx, { id: r.id, conform: true, actor: operator, at: new Date() });
  const d = await decideRequest(ctx, { id: r.id, grant: {}, actor: operator, at: new Date() });
  return { id: r.id, grantId: d.grantId! };
}

describe('share export', () => {
  it('an export for the public holds no valid citizen ID: masked, generalised and dropped per the open policy', async () => {
    const p = await prefecture();
    closers.push(() => p.wh.close());
    const { id, grantId } = await granted(p.ctx, 'public', [
      'id_number',
      'name',
      'birth_date',
      'division',
      'mobile',
    ]);
    const out = tempDir();
    for (const format of ['csv', 'json', 'parquet'] as const) {
      const r = await exportShare(p.ctx, {
        requestId: id,
        outDir: out,
        format,
        actor: operator,
        at: new Date(),
      });
      expect(r).toMatchObject({
        rows: 42,
        columns: ['id_number', 'name', 'birth_date', 'division'],
        keyId: null,
        grant: grantId,
      });
      if (format !== 'parquet') {
        const text = readFileSync(r.file, 'utf8');
        expect(validIds(text)).toEqual([]);
        expect(findCitizenIds(text)).toEqual([]);
        expect(text).toMatch(/[0-9]{6}\*{8}[0-9X]{4}/); // masked: first 6 and last 4 kept
        expect(text).not.toMatch(/138\d{8}/); // mobile dropped
        expect(text).toMatch(/19\d\d-\d\d[",]/); // birth date generalised to year-month
      }
      const meta = JSON.parse(readFileSync(join(r.dir, 'metadata.json'), 'utf8'));
      expect(meta).toMatchObject({
        request: id,
        grant: grantId,
        audience: 'open',
        rows: 42,
        sm3: r.sm3,
        policyHash: r.policyHash,
      });
      expect(meta.columns.map((c: { name: string; action: string }) => `${c.name}:${c.action}`)).toEqual([
        'id_number:mask',
        'name:mask',
        'birth_date:generalize',
        'division:clear',
        'mobile:drop',
      ]);
    }
    const parquet = await p.wh.all<{ id: string }>(
      `SELECT id_number AS id FROM read_parquet('${join(out, id, 'data.parquet')}')`,
    );
    expect(parquet.filter((r) => parseCitizenId(r.id).valid)).toEqual([]);
    const usage = await listUsage(p.ctx, { dataset: 'hukou' });
    expect(usage).toHaveLength(3);
    expect(usage[0]).toMatchObject({
      kind: 'export',
      grantId,
      requestId: id,
      scenario: '老龄补贴测算',
      rows: 42,
      destruction: null,
    });
    expect(usage[0]!.storage).toContain(join(out, id));
    const audit = await listAudit(p.wh, { action: 'usage-export' });
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({
      policyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      keyId: null,
      grant: grantId,
    });
    expect(await verifyUsage(p.ctx)).toEqual([]);
    await p.wh.run(`UPDATE gongshu.usage SET rows = 1 WHERE id = $1`, [usage[1]!.id]);
    expect(await verifyUsage(p.ctx)).toMatchObject([{ id: usage[1]!.id, problem: 'edited' }]);
  });

  it('a department export keeps granted columns in clear, limited to the division scope', async () => {
    const p = await prefecture();
    closers.push(() => p.wh.close());
    const r = await submitRequest(p.ctx, {
      dataset: 'hukou',
      columns: ['id_number', 'name'],
      purpose: '核查',
      basis: '依据',
      divisionScope: '650102',
      requester,
      at: new Date(),
    });
    await reviewRequest(p.ctx, { id: r.id, conform: true, actor: operator, at: new Date() });
    await decideRequest(p.ctx, { id: r.id, grant: {}, actor: operator, at: new Date() });
    const out = await exportShare(p.ctx, {
      requestId: r.id,
      outDir: tempDir(),
      format: 'csv',
      actor: operator,
      at: new Date(),
    });
    const lines = readFileSync(out.file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id_number,name');
    expect(lines).toHaveLength(13);
    expect(
      lines.slice(1).every((l) => l.startsWith('650102') && parseCitizenId(l.split(',')[0]!).valid),
    ).toBe(true);
  });

  it('pseudonymises in SQL with the share key: one token per distinct ID, the key id in the audit', async () => {
    const entry = hukouEntry();
    const p = await prefecture({
      catalog: defineCatalogEntry({
        ...(entry as unknown as CatalogEntryInput),
        fields: entry.fields.map((f) =>
          f.name === 'id_number' ? { ...f, outputs: { share: 'pseudonymize' } } : f,
        ) as CatalogEntryInput['fields'],
      }),
    });
    closers.push(() => p.wh.close());
    const { id } = await granted(p.ctx, 'department', ['id_number', 'name']);
    const dir = tempDir();
    const first = await exportShare(p.ctx, {
      requestId: id,
      outDir: dir,
      format: 'csv',
      actor: operator,
      at: new Date(),
    });
    const firstText = readFileSync(first.file, 'utf8');
    const tokens = firstText
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!);
    expect(tokens).toHaveLength(42);
    expect(tokens.every((t) => /^[0-9a-f]{32}$/.test(t))).toBe(true);
    expect(new Set(tokens).size).toBe(42);
    expect(first.keyId).toMatch(/^[0-9a-f]{16}$/);
    const again = await exportShare(p.ctx, {
      requestId: id,
      outDir: dir,
      format: 'csv',
      actor: operator,
      at: new Date(),
    });
    expect(readFileSync(again.file, 'utf8')).toBe(firstText); // same key, same tokens
    const audit = await listAudit(p.wh, { action: 'usage-export' });
    expect(JSON.parse(audit.at(-1)!.details!).keyId).toBe(first.keyId);
  });

  it('refuses to export a request that is not granted', async () => {
    const p = await prefecture();
    closers.push(() => p.wh.close());
    const r = await submitRequest(p.ctx, {
      dataset: 'hukou',
      columns: ['name'],
      purpose: 'x',
      basis: 'y',
      requester,
      at: new Date(),
    });
    await expect(
      exportShare(p.ctx, {
        requestId: r.id,
        outDir: tempDir(),
        format: 'csv',
        actor: operator,
        at: new Date(),
      }),
    ).rejects.toThrow(/only a granted request can be exported/);
  });
});

describe('backflow under grants, between two nodes over HTTP', () => {
  it('is refused without a grant, and served with one: its columns, its division, the backflow policy', async () => {
    const h = await hierarchy(closers);
    const ask = (columns: string[], grant?: string) =>
      requestBackflow({
        wh: h.c.wh,
        node: h.c.node,
        keys: h.kc,
        dataset: 'hukou',
        columns,
        purpose: '低保复核',
        ...(grant ? { grant } : {}),
      });
    await expect(ask(['name'])).rejects.toThrow(/403 no-grant: hukou: node 650102 holds no grant/);

    // The county submits its request to the prefecture over the signed API; the answer is signed.
    const sent = await submitToParent(h.c.node, h.kc, {
      dataset: 'hukou',
      columns: ['id_number', 'name', 'division', 'mobile'],
      purpose: '低保复核',
      basis: '《社会救助暂行办法》第十一条',
      department: '县民政局',
      operator: 'ma.li',
    });
    expect(sent).toMatchObject({
      parent: '650100',
      status: 'submitted',
      shareType: 'conditional',
      crossLevel: true,
    });
    const filed = await listAudit(h.p.wh, { action: 'request-filed' });
    expect(filed).toHaveLength(1);
    expect(filed[0]!.peer).toBe('650102');
    await reviewRequest(h.p.ctx, { id: sent.id, conform: true, actor: operator, at: new Date() });
    const d = await decideRequest(h.p.ctx, {
      id: sent.id,
      grant: { columns: ['id_number', 'name', 'division', 'mobile'] },
      actor: operator,
      at: new Date(),
    });
    expect((await requestFromParent(h.c.node, h.kc, sent.id)).status).toBe('granted');

    await expect(ask(['birth_date'], d.grantId)).rejects.toThrow(/403 columns-not-granted/);
    const got = await ask(['id_number', 'name', 'mobile'], d.grantId);
    expect(got.rows).toBe(12); // only the county's own rows
    expect(got.columns).toEqual(['id_number', 'name']); // mobile dropped by the backflow policy
    const rows = await h.c.wh.all<{ id: string; name: string }>(
      'SELECT id_number AS id, name FROM backflow.hukou',
    );
    expect(rows.every((r) => /^[0-9a-f]{32}$/.test(r.id))).toBe(true); // pseudonymised
    expect(new Set(rows.map((r) => r.id)).size).toBe(12);
    expect(rows.map((r) => r.name)).toContain('居民500');
    const usage = await listUsage(h.p.ctx);
    expect(usage).toMatchObject([
      { kind: 'backflow-served', grantId: d.grantId, requestId: sent.id, rows: 12, scenario: '低保复核' },
    ]);
    expect((await requestFromParent(h.c.node, h.kc, sent.id)).status).toBe('fulfilled');
    const served = await listAudit(h.p.wh, { action: 'backflow-served' });
    expect(JSON.parse(served[0]!.details!)).toMatchObject({
      grant: d.grantId,
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect((await verifyAudit(h.p.wh)).ok).toBe(true);
    // another node's request is not visible to this one
    await expect(requestFromParent({ ...h.c.node }, h.kc, 'req-unknown')).rejects.toThrow(/404/);
  });
});
