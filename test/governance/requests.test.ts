/**
 * Sharing requests on a real DuckDB file: working-day deadlines across the National Day holiday, emergency
 * requests, refusals, bad input (each refused with one error and nothing changed), grants and their expiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  decideRequest,
  grantFor,
  listRequests,
  listShareRequests,
  reviewRequest,
  submitRequest,
  withdrawRequest,
} from '../../governance/index.ts';
import { listAudit, verifyAudit } from '../../platform/index.ts';
import { sharingReader } from '../../reports/index.ts';
import { hukouEntry, operator, prefecture } from './sharing-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const at = (t: string) => new Date(t);
const requester = { department: '市民政局', operator: 'wang.fang' };

async function node(options: Parameters<typeof prefecture>[0] = {}) {
  const p = await prefecture(options);
  closers.push(() => p.wh.close());
  return p;
}

/** The code and message of what `fn` throws. */
async function refusal(
  fn: () => Promise<unknown>,
): Promise<{ code: string; message: string; exit: unknown }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { code: string; message: string; details: { exitCode?: unknown } };
    return { code: err.code, message: err.message, exit: err.details?.exitCode };
  }
  throw new Error('expected a refusal');
}

describe('working days', () => {
  it('counts across the National Day holiday and the adjusted working Saturday', () => {
    expect(addWorkingDays('2026-09-30', 3)).toBe('2026-10-10'); // 10-01..07 off; 10-08, 10-09, 10-10 (调休上班)
    expect(addWorkingDays('2026-10-10', 5)).toBe('2026-10-16');
    expect(addWorkingDays('2026-09-25', 1)).toBe('2026-09-28'); // 中秋 09-25..27
  });
});

describe('sharing requests', () => {
  it('a request submitted before the National Day break is due after it (3, then 5 working days)', async () => {
    const { ctx, wh } = await node();
    const r = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['id_number', 'name', 'division'],
      purpose: '低保资格复核',
      basis: '《社会救助暂行办法》第十一条',
      requester,
      at: at('2026-09-30T10:00:00+08:00'),
    });
    expect(r).toMatchObject({
      status: 'submitted',
      shareType: 'conditional',
      conformityDue: '2026-10-10T23:59:59+08:00',
    });
    // not overdue on the last day, overdue the next working morning
    expect((await listRequests(ctx, { at: at('2026-10-10T18:00:00+08:00') }))[0]).toMatchObject({
      id: r.id,
      overdue: false,
    });
    expect(await listRequests(ctx, { at: at('2026-10-12T09:00:00+08:00'), overdue: true })).toMatchObject([
      { id: r.id, overdue: true },
    ]);
    const reviewed = await reviewRequest(ctx, {
      id: r.id,
      conform: true,
      actor: operator,
      at: at('2026-10-10T09:00:00+08:00'),
    });
    expect(reviewed).toEqual({
      id: r.id,
      status: 'provider-review',
      providerDue: '2026-10-16T23:59:59+08:00',
    });
    const decided = await decideRequest(ctx, {
      id: r.id,
      grant: { validUntil: '2026-12-31' },
      actor: { operator: 'provider.a' },
      at: at('2026-10-12T09:00:00+08:00'),
    });
    expect(decided).toMatchObject({ id: r.id, status: 'granted', grantId: expect.stringMatching(/^grt-/) });
    const [view] = await listRequests(ctx, { at: at('2026-10-12T09:00:00+08:00') });
    expect(view).toMatchObject({ status: 'granted', dueAt: null, overdue: false, validUntil: '2026-12-31' });
    expect((await listRequests(ctx, { at: at('2027-01-01T09:00:00+08:00') }))[0]!.status).toBe('expired');
    const actions = (await listAudit(wh)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['request-submitted', 'request-reviewed', 'grant-issued', 'request-decided']),
    );
    expect((await verifyAudit(wh)).ok).toBe(true);
  });

  it('an emergency request is due the same day, within hours, and is listed first', async () => {
    const { ctx } = await node();
    const normal = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['name'],
      purpose: '户籍核查',
      basis: '《户口登记条例》',
      requester,
      at: at('2026-09-29T08:00:00+08:00'),
    });
    const urgent = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['id_number', 'name', 'division'],
      purpose: '地震受灾群众安置',
      basis: '《突发事件应对法》',
      emergency: { kind: 'earthquake', note: '6.1 级地震' },
      requester,
      at: at('2026-09-30T10:00:00+08:00'),
    });
    expect(urgent.conformityDue).toBe('2026-09-30T14:00:00+08:00');
    const list = await listRequests(ctx, { at: at('2026-09-30T15:00:00+08:00') });
    expect(list.map((v) => [v.id, v.emergency, v.overdue])).toEqual([
      [urgent.id, 'earthquake', true],
      [normal.id, null, false],
    ]);
    const reviewed = await reviewRequest(ctx, {
      id: urgent.id,
      conform: true,
      actor: operator,
      at: at('2026-09-30T11:00:00+08:00'),
    });
    expect(reviewed.providerDue).toBe('2026-09-30T15:00:00+08:00');
    const bad = await refusal(() =>
      submitRequest(ctx, {
        dataset: 'hukou',
        columns: ['name'],
        purpose: 'x',
        basis: 'y',
        emergency: { kind: 'meteor' },
        requester,
        at: new Date(),
      }),
    );
    expect(bad).toMatchObject({ code: 'governance-bad-emergency', exit: 2 });
  });

  it('the dashboard section lists waiting emergency requests first, with due times and overdue flags', async () => {
    const { ctx, wh, project } = await node();
    const normal = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['name'],
      purpose: '核查',
      basis: '依据',
      requester,
      at: at('2026-09-28T09:00:00+08:00'),
    });
    const urgent = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['name'],
      purpose: '疫情流调',
      basis: '《传染病防治法》',
      emergency: { kind: 'public-health' },
      requester,
      at: at('2026-09-29T09:00:00+08:00'),
    });
    const section = await sharingReader({ at: at('2026-10-09T09:00:00+08:00'), project })(wh);
    expect(section.status).toBe('ok');
    if (section.status !== 'ok') return;
    expect(section.data.requests.map((r) => [r.id, r.emergency, r.overdue])).toEqual([
      [urgent.id, 'public-health', true],
      [normal.id, null, true],
    ]);
    expect(section.data.catalog).toEqual([]);
    const empty = await node({ publish: false });
    expect(await sharingReader({ at: new Date() })(empty.wh)).toMatchObject({ status: 'not-configured' });
  });

  it('refuses a refusal without reason and legal basis, and changes nothing', async () => {
    const { ctx, wh } = await node();
    const r = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['name'],
      purpose: '核查',
      basis: '依据',
      requester,
      at: new Date(),
    });
    await reviewRequest(ctx, { id: r.id, conform: true, actor: operator, at: new Date() });
    const before = await listAudit(wh);
    for (const refuse of [
      {},
      { reason: '涉及个人隐私' },
      { basis: '《个人信息保护法》第十三条' },
      { reason: ' ', basis: '《…》' },
    ]) {
      const e = await refusal(() =>
        decideRequest(ctx, { id: r.id, refuse, actor: operator, at: new Date() }),
      );
      expect(e).toMatchObject({ code: 'governance-refusal-incomplete', exit: 2 });
      expect(e.message).toMatch(/reason and a legal basis/);
    }
    expect((await listShareRequests(wh))[0]!.status).toBe('provider-review');
    expect(await listAudit(wh)).toEqual(before);
    const done = await decideRequest(ctx, {
      id: r.id,
      refuse: {
        reason: '申请用途超出共享条件',
        basis: '《新疆维吾尔自治区公共数据管理办法（试行）》第十九条',
      },
      actor: operator,
      at: new Date(),
    });
    expect(done.status).toBe('refused');
    expect(
      await refusal(() => decideRequest(ctx, { id: r.id, grant: {}, actor: operator, at: new Date() })),
    ).toMatchObject({
      code: 'governance-wrong-state',
      exit: 1,
    });
  });

  it('refuses bad requests with one clear error each, and stores nothing', async () => {
    const { ctx, wh } = await node();
    const base = {
      dataset: 'hukou',
      columns: ['name'],
      purpose: '核查',
      basis: '依据',
      requester,
      at: new Date(),
    };
    const cases: [string, Parameters<typeof submitRequest>[1], string][] = [
      ['uncatalogued dataset', { ...base, dataset: 'births' }, 'governance-not-catalogued'],
      ['unknown column', { ...base, columns: ['name', 'salary'] }, 'governance-unknown-columns'],
      ['conditional data without a basis', { ...base, basis: undefined }, 'governance-no-basis'],
      ['no purpose', { ...base, purpose: ' ' }, 'governance-no-purpose'],
      ['no columns', { ...base, columns: [] }, 'governance-no-columns'],
    ];
    for (const [what, input, code] of cases) {
      expect({ what, ...(await refusal(() => submitRequest(ctx, input))) }).toMatchObject({ what, code });
    }
    expect(await listShareRequests(wh)).toEqual([]);
    const notShared = await refusal(() =>
      submitRequest(ctx, { ...base, columns: ['mobile'], basis: undefined }),
    );
    expect(notShared.code).toBe('governance-no-basis');
  });

  it('an unpublished entry cannot be requested; core data needs an explicit grant', async () => {
    const unpublished = await node({ publish: false });
    expect(
      (
        await refusal(() =>
          submitRequest(unpublished.ctx, {
            dataset: 'hukou',
            columns: ['name'],
            purpose: 'x',
            basis: 'y',
            requester,
            at: new Date(),
          }),
        )
      ).code,
    ).toBe('governance-not-published');
    const core = await node({ catalog: hukouEntry({ securityGrade: 'core' }) });
    const r = await submitRequest(core.ctx, {
      dataset: 'hukou',
      columns: ['name'],
      purpose: 'x',
      basis: 'y',
      requester,
      at: new Date(),
    });
    await reviewRequest(core.ctx, { id: r.id, conform: true, actor: operator, at: new Date() });
    expect(
      (await refusal(() => decideRequest(core.ctx, { id: r.id, grant: {}, actor: operator, at: new Date() })))
        .code,
    ).toBe('governance-core-needs-explicit-grant');
    expect(
      (
        await decideRequest(core.ctx, {
          id: r.id,
          grant: { allowCore: true },
          actor: operator,
          at: new Date(),
        })
      ).status,
    ).toBe('granted');
  });

  it('grants cover their columns until they expire or the request is withdrawn', async () => {
    const { ctx } = await node();
    const t0 = at('2026-09-01T10:00:00+08:00');
    const r = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['name', 'division'],
      purpose: 'x',
      basis: 'y',
      requester,
      at: t0,
    });
    await reviewRequest(ctx, { id: r.id, conform: true, actor: operator, at: t0 });
    const { grantId } = await decideRequest(ctx, {
      id: r.id,
      grant: { columns: ['name'], validUntil: '2026-09-30' },
      actor: operator,
      at: t0,
    });
    const q = { node: ctx.node.id, dataset: 'hukou', at: at('2026-09-15T10:00:00+08:00') };
    expect((await grantFor(ctx, { ...q, columns: ['name'] })).id).toBe(grantId);
    expect((await refusal(() => grantFor(ctx, { ...q, columns: ['division'] }))).code).toBe(
      'governance-columns-not-granted',
    );
    expect((await refusal(() => grantFor(ctx, { ...q, node: '650102' }))).code).toBe('governance-no-grant');
    expect((await refusal(() => grantFor(ctx, { ...q, at: at('2026-10-01T10:00:00+08:00') }))).code).toBe(
      'governance-grant-expired',
    );
    await withdrawRequest(ctx, { id: r.id, actor: requester, at: q.at });
    expect((await refusal(() => grantFor(ctx, q))).code).toBe('governance-grant-revoked');
  });
});
