/**
 * `gongshu open` and `gongshu objection` as users run them: the documented `--json` objects, and kill -9 in the
 * middle of an open export (a child process killed while it writes the new version): `latest` stays on the old,
 * complete version, and the next export writes the new version and switches.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceFolder } from '../../governance/index.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { loadProject } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { freePort, serve, start, stop, until } from '../platform/processes.ts';
import { warehouseOf } from './fixture.ts';
import { openHukouEntry, publicHukouEntry } from './open-entries.ts';

const last = (lines: string[]) => JSON.parse(lines.at(-1)!);

/** The fields the README's "`--json` prints" table lists for a command. */
function documented(command: string): string[] {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${command}\``));
  expect(row, `README documents ${command}`).toBeDefined();
  const first = /`([^`]*)`/.exec(row!.split('|')[3]!)![1]!;
  return first.split(/,\s*/).map((n) => n.trim());
}

/**
 * A county node whose hukou entry is open on conditions, loaded and published; with `public`, a second dataset
 * `hukou_public` opened to everyone (无条件开放) as well.
 */
async function openNode(options: { public?: boolean } = {}) {
  const dir = tempDir('gongshu-open-cli-');
  const pipeline = (name: string, entry: string) => `definePipeline({
  name: '${name}',
  source: memory({ name: '${name}@650102', columns: HUKOU_HEADER, rows: hukouRows('650102', 300) }),
  dataset: { name: '${name}', key: citizenId('公民身份号码'), catalog: ${entry}() },
})`;
  writeFileSync(
    join(dir, 'gongshu.config.ts'),
    `import { memory } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
import { HUKOU_HEADER, hukouRows } from '${REPO_ROOT}test/platform/fixture.ts';
import { openHukouEntry, publicHukouEntry } from '${REPO_ROOT}test/governance/open-entries.ts';
const pipelines = [${pipeline('hukou', 'openHukouEntry')}${options.public ? `, ${pipeline('hukou_public', 'publicHukouEntry')}` : ''}];
export default defineProject({ name: 'node_650102', node: { id: '650102', level: 'county', name: 'node 650102' }, pipelines });
`,
  );
  const loaded = await loadProject(dir);
  const wh = await openWarehouse({ path: warehouseOf(dir) });
  try {
    await runPipelines(wh, loaded.project);
  } finally {
    wh.close();
  }
  for (const dataset of options.public ? ['hukou', 'hukou_public'] : ['hukou'])
    for (const step of ['submit', 'approve', 'publish']) {
      const r = gongshu([
        'catalog',
        step,
        dataset,
        '--project',
        dir,
        ...(step === 'submit' ? ['--trigger', 'initial'] : []),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  return dir;
}

describe('gongshu open / objection (CLI)', () => {
  it('open export, objection raise and resolve print the documented JSON', async () => {
    const dir = await openNode();
    const out = join(dir, 'open');
    const e = gongshu(['open', 'export', '--out', out, '--format', 'parquet', '--project', dir, '--json']);
    expect(e.code, e.stderr).toBe(0);
    const r = last(e.lines);
    const code = openHukouEntry().code;
    expect(r.resources).toEqual([
      {
        code,
        version: 1,
        dir: join(out, resourceFolder(code), 'v1'),
        files: [join(out, resourceFolder(code), 'v1', 'data.parquet')],
        rows: 300,
      },
    ]);
    expect(Object.keys(r).sort()).toEqual(documented('open export').sort());
    expect(readlinkSync(join(out, resourceFolder(code), 'latest'))).toBe('v1');

    const raised = gongshu([
      'objection',
      'raise',
      '--dataset',
      'hukou',
      '--key',
      '650102199001010011',
      '--column',
      'name',
      '--claim',
      '姓名有误',
      '--at',
      '2026-09-30T10:00',
      '--project',
      dir,
      '--json',
    ]);
    expect(raised.code, raised.stderr).toBe(0);
    const o = last(raised.lines);
    expect(o).toMatchObject({ status: 'open', dueAt: '2026-10-13T15:59:59.999Z' });
    expect(Object.keys(o).sort()).toEqual(documented('objection raise').sort());
    const resolved = gongshu([
      'objection',
      'resolve',
      o.id,
      '--outcome',
      'corrected',
      '--note',
      '已更正',
      '--project',
      dir,
      '--json',
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(last(resolved.lines)).toEqual({ id: o.id, status: 'corrected' });
    expect(Object.keys(last(resolved.lines)).sort()).toEqual(documented('objection resolve').sort());
    const bad = gongshu([
      'objection',
      'resolve',
      o.id,
      '--outcome',
      'maybe',
      '--note',
      'x',
      '--project',
      dir,
    ]);
    expect(bad.code).toBe(2);
  });

  it('kill -9 in the middle of an open export leaves latest on the old version; the next export switches', async () => {
    const dir = await openNode();
    const out = join(dir, 'open');
    const code = openHukouEntry().code;
    const codeDir = join(out, resourceFolder(code));
    const first = gongshu(['open', 'export', '--out', out, '--project', dir, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const v1 = readFileSync(join(codeDir, 'v1', 'data.csv'));
    // Many more rows, so that the next export takes a while.
    const wh = await openWarehouse({ path: warehouseOf(dir) });
    await wh.run('INSERT INTO main.hukou SELECT h.* FROM main.hukou h, range(2000)');
    wh.close();
    const p = start(['open', 'export', '--out', out, '--project', dir, '--json']);
    await until('the export to be writing its new version', () =>
      readdirSync(codeDir).some((n) => n.startsWith('.v2.tmp-')),
    );
    p.child.kill('SIGKILL');
    await p.exited;
    expect(p.child.signalCode).toBe('SIGKILL');
    expect(readlinkSync(join(codeDir, 'latest'))).toBe('v1');
    expect(readFileSync(join(codeDir, 'latest', 'data.csv')).equals(v1)).toBe(true);
    expect(existsSync(join(codeDir, 'v2'))).toBe(false);

    const again = gongshu(['open', 'export', '--out', out, '--project', dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(last(again.lines).resources[0]).toMatchObject({ code, version: 2, rows: 300 * 2001 });
    expect(readlinkSync(join(codeDir, 'latest'))).toBe('v2');
    expect(readFileSync(join(codeDir, 'v1', 'data.csv')).equals(v1)).toBe(true);
    // The dead export's temporary folder is cleaned up by the next one.
    expect(readdirSync(codeDir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 180_000);

  it('open offline prints what went offline; the live version is refused alone', async () => {
    const dir = await openNode();
    const out = join(dir, 'open');
    const code = openHukouEntry().code;
    for (let i = 0; i < 2; i++)
      expect(gongshu(['open', 'export', '--out', out, '--project', dir]).code).toBe(0);
    const live = gongshu(['open', 'offline', code, '--only-version', '2', '--project', dir]);
    expect(live.code).not.toBe(0);
    expect(live.stderr).toContain('v2 is the live version');
    const r = gongshu([
      'open',
      'offline',
      code,
      '--only-version',
      '1',
      '--reason',
      '保留期满',
      '--project',
      dir,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(last(r.lines)).toMatchObject({
      code,
      retired: false,
      live: 2,
      versions: [{ version: 1, status: 'offline' }],
    });
    expect(readdirSync(join(out, resourceFolder(code))).sort()).toEqual(['latest', 'v2']);
  });
});

describe('the open-data API on gongshu serve', () => {
  it('answers unsigned reads, paged, of unconditional resources only; writes stay signed', async () => {
    const dir = await openNode({ public: true });
    const e = gongshu(['open', 'export', '--out', join(dir, 'open'), '--project', dir, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(last(e.lines).resources).toHaveLength(2);
    const port = await freePort();
    const p = await serve(dir, port);
    try {
      const base = `http://127.0.0.1:${port}`;
      const get = async (path: string) => {
        const res = await fetch(`${base}${path}`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const code = publicHukouEntry().code;
      const listed = await get('/v1/open/resources');
      expect(listed.status).toBe(200);
      // The conditional hukou entry is not listed to an unsigned caller.
      expect(listed.body).toMatchObject({ total: 1, limit: 20, offset: 0, next: null });
      const [resource] = listed.body.resources as {
        code: string;
        version: number;
        metadata: { citation: string };
      }[];
      expect(resource).toMatchObject({ code, version: 1, rows: 300 });
      expect(resource!.metadata.citation).toContain('获取日期');
      expect((await get('/v1/open/resources?limit=101')).status).toBe(400);
      expect((await get('/v1/open/resources?offset=1')).body).toMatchObject({ resources: [], next: null });
      const one = await get(`/v1/open/resources/${encodeURIComponent(code)}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ code, version: 1 });
      const rows = await get(`/v1/open/resources/${resourceFolder(code)}/rows?limit=2&offset=1`);
      expect(rows.body).toMatchObject({ code, total: 300, limit: 2, offset: 1, next: 3 });
      const page = rows.body.rows as Record<string, string>[];
      expect(page).toHaveLength(2);
      expect(Object.keys(page[0]!).sort()).toEqual(['birth_date', 'id_number', 'name', 'sex']);
      expect(JSON.stringify(page)).not.toMatch(/\d{17}[\dX]/);
      expect((await get(`/v1/open/resources/${resourceFolder(openHukouEntry().code)}`)).status).toBe(404);
      expect((await get('/v1/open/resources/x/rows?limit=1001')).status).toBe(400);
      // Writes and every other read stay signed.
      const post = await fetch(`${base}/v1/objections`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(401);
      expect((await get('/v1/requests/req-1')).status).toBe(401);
    } finally {
      await stop(p);
    }
  }, 180_000);
});
