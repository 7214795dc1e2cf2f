/**
 * What the user runs: `gongshu request|share|usage|audit` on a prefecture project, and a county asking its
 * prefecture (a real `gongshu serve`) over the signed API — backflow refused without a grant, the request
 * submitted with `--parent`, decided on the prefecture, then backflow served under the grant.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  approveCatalogVersion,
  governanceConfig,
  publishCatalogVersion,
  submitCatalogVersion,
} from '../../governance/index.ts';
import { initKeys, nodeContext } from '../../platform/index.ts';
import { loadProject } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { freePort, type Proc, serve, start, stop } from '../platform/processes.ts';

const procs: Proc[] = [];
afterAll(async () => {
  for (const p of procs) await stop(p);
});

function config(dir: string, id: string, level: string, rows: string, platform: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'gongshu.config.ts'),
    `import { memory } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
import { HUKOU_HEADER, hukouRows } from '${REPO_ROOT}test/platform/fixture.ts';
import { hukouEntry } from '${REPO_ROOT}test/governance/entries.ts';
const hukou = definePipeline({
  name: 'hukou',
  source: memory({ name: 'hukou@${id}', columns: HUKOU_HEADER, rows: ${rows} }),
  dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog: hukouEntry() },
});
const project = defineProject({ name: 'node_${id}', node: { id: '${id}', level: '${level}', name: 'node ${id}' }, pipelines: [hukou] });
export default Object.freeze({ ...project, platform: ${JSON.stringify(platform)} });
`,
  );
}

/** The JSON of the last stdout line. */
const last = (r: { lines: string[] }) => JSON.parse(r.lines.at(-1) ?? 'null');

async function publish(dir: string): Promise<void> {
  const loaded = await loadProject(dir);
  const wh = await openWarehouse({ path: join(dir, '.gongshu/warehouse.duckdb') });
  try {
    const ctx = {
      wh,
      node: nodeContext(loaded.project, dir),
      project: loaded.project,
      config: governanceConfig(loaded.project, dir),
    };
    const at = new Date('2026-09-01T10:00:00+08:00');
    await submitCatalogVersion(ctx, {
      code: 'hukou',
      trigger: { kind: 'initial' },
      actor: { operator: 'a' },
      at,
    });
    await approveCatalogVersion(ctx, { code: 'hukou', actor: { operator: 'b' }, at });
    await publishCatalogVersion(ctx, { code: 'hukou', actor: { operator: 'b' }, at });
  } finally {
    wh.close();
  }
}

describe('gongshu request, share, usage and audit', { timeout: 240_000 }, () => {
  it('walks a request from submission to a masked file export, with deadlines, errors and the usage log', async () => {
    const dir = join(tempDir(), 'p');
    config(dir, '650100', 'prefecture', "[...hukouRows('650103', 30), ...hukouRows('650102', 12, 500)]", {});
    expect(gongshu(['run', '--project', dir]).code).toBe(0);
    await publish(dir);
    const p = ['--project', dir, '--json', '--operator', 'wang.fang'];
    const submitted = gongshu([
      'request',
      'submit',
      '--dataset',
      'hukou',
      '--columns',
      'id_number,name,division',
      '--purpose',
      '低保资格复核',
      '--basis',
      '《社会救助暂行办法》第十一条',
      '--department',
      '市民政局',
      '--audience',
      'public',
      '--at',
      '2026-09-30T10:00',
      ...p,
    ]);
    expect(submitted.code).toBe(0);
    const req = last(submitted);
    expect(req).toMatchObject({
      status: 'submitted',
      shareType: 'conditional',
      conformityDue: '2026-10-10T23:59:59+08:00',
    });
    const overdue = gongshu(['request', 'list', '--overdue', '--at', '2026-10-12T09:00', ...p]);
    expect(last(overdue)).toMatchObject([
      { id: req.id, status: 'submitted', dueAt: '2026-10-10T23:59:59+08:00', overdue: true },
    ]);
    expect(
      last(gongshu(['request', 'review', req.id, '--conform', '--at', '2026-10-10T09:00', ...p])),
    ).toEqual({
      id: req.id,
      status: 'provider-review',
      providerDue: '2026-10-16T23:59:59+08:00',
    });
    const noBasis = gongshu(['request', 'decide', req.id, '--refuse', '--reason', '超出共享条件', ...p]);
    expect(noBasis.code).toBe(2);
    expect(noBasis.stderr).toMatch(/a refusal needs a reason and a legal basis.*missing --basis/);
    const granted = last(gongshu(['request', 'decide', req.id, '--grant', '--at', '2026-10-12T09:00', ...p]));
    expect(granted).toMatchObject({ id: req.id, status: 'granted', grantId: expect.stringMatching(/^grt-/) });
    const out = join(tempDir(), 'out');
    const exported = last(
      gongshu([
        'share',
        'export',
        req.id,
        '--out',
        out,
        '--format',
        'json',
        '--at',
        '2026-10-13T09:00',
        ...p,
      ]),
    );
    expect(exported).toMatchObject({ rows: 42, columns: ['id_number', 'name', 'division'] });
    const text = readFileSync(exported.file, 'utf8');
    expect(text).not.toMatch(/"\d{17}[\dX]"/); // public audience: IDs masked
    const usage = last(gongshu(['usage', 'list', '--kind', 'export', ...p]));
    expect(usage).toEqual([
      expect.objectContaining({
        grantId: granted.grantId,
        dataset: 'hukou',
        scenario: '低保资格复核',
        use: null,
        storage: exported.file,
        effect: null,
        destruction: null,
        at: '2026-10-13T09:00:00+08:00',
      }),
    ]);
    expect(Object.keys(usage[0])).toEqual(
      expect.arrayContaining([
        'id',
        'grantId',
        'dataset',
        'scenario',
        'use',
        'storage',
        'effect',
        'destruction',
        'at',
      ]),
    );
    const verified = gongshu(['audit', 'verify', '--project', dir, '--json']);
    expect({ code: verified.code, ok: last(verified).ok }).toEqual({ code: 0, ok: true });
  });

  it('a county asks its prefecture over the signed API: backflow refused without a grant, served with one', async () => {
    const root = tempDir();
    const pdir = join(root, 'p');
    const cdir = join(root, 'c');
    const kp = initKeys(join(pdir, '.gongshu/keys'));
    const kc = initKeys(join(cdir, '.gongshu/keys'));
    const port = await freePort();
    config(pdir, '650100', 'prefecture', "[...hukouRows('650103', 30), ...hukouRows('650102', 12, 500)]", {
      listen: { port },
      children: [{ id: '650102', publicKey: kc.publicText }],
    });
    config(cdir, '650102', 'county', "hukouRows('650102', 3)", {
      parent: { id: '650100', url: `http://127.0.0.1:${port}`, publicKey: kp.publicText },
      push: { attempts: 2, backoffMs: 50 },
    });
    expect(gongshu(['run', '--project', pdir]).code).toBe(0);
    await publish(pdir);
    let server = await serve(pdir, port);
    procs.push(server);
    const run = async (args: string[]) => {
      const proc = start(args);
      const code = await proc.exited;
      return {
        code,
        stdout: proc.stdout,
        stderr: proc.stderr,
        lines: proc.stdout.split('\n').filter(Boolean),
      };
    };
    const refused = await run([
      'backflow',
      'hukou',
      '--columns',
      'name',
      '--purpose',
      '低保复核',
      '--project',
      cdir,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/403 no-grant/);
    const sent = await run([
      'request',
      'submit',
      '--parent',
      '--dataset',
      'hukou',
      '--columns',
      'id_number,name,division',
      '--purpose',
      '低保复核',
      '--basis',
      '《社会救助暂行办法》',
      '--department',
      '县民政局',
      '--project',
      cdir,
      '--json',
    ]);
    expect({ code: sent.code, stderr: sent.stderr }).toMatchObject({ code: 0 });
    const req = last(sent);
    expect(req).toMatchObject({ parent: '650100', status: 'submitted', crossLevel: true });
    await stop(server);
    const p = ['--project', pdir, '--json'];
    expect(last(gongshu(['request', 'review', req.id, '--conform', ...p])).status).toBe('provider-review');
    const { grantId } = last(gongshu(['request', 'decide', req.id, '--grant', ...p]));
    server = await serve(pdir, port);
    procs.push(server);
    const shown = await run(['request', 'show', req.id, '--parent', '--project', cdir, '--json']);
    expect(last(shown)).toMatchObject({ id: req.id, status: 'granted', grantId });
    const got = await run([
      'backflow',
      'hukou',
      '--grant',
      grantId,
      '--columns',
      'id_number,name',
      '--purpose',
      '低保复核',
      '--department',
      '县民政局',
      '--project',
      cdir,
      '--json',
    ]);
    expect({ code: got.code, stderr: got.stderr }).toMatchObject({ code: 0 });
    expect(last(got)).toMatchObject({ rows: 12, columns: ['id_number', 'name'] });
    await stop(server);
    const usage = last(
      gongshu(['usage', 'list', '--kind', 'backflow-received', '--project', cdir, '--json']),
    );
    expect(usage).toMatchObject([
      { kind: 'backflow-received', grantId, rows: 12, department: '县民政局', storage: 'backflow.hukou' },
    ]);
    const served = last(gongshu(['usage', 'list', '--kind', 'backflow-served', '--project', pdir, '--json']));
    expect(served).toMatchObject([{ kind: 'backflow-served', grantId, rows: 12, department: '县民政局' }]);
    expect(existsSync(join(pdir, '.gongshu/keys/pseudonym-backflow.key'))).toBe(true);
  });
});
