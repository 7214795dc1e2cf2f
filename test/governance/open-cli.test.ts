/**
 * `gongshu open` and `gongshu objection` as users run them: the documented `--json` objects, and kill -9 in the
 * middle of an open export (a child process killed while it writes the new version): `latest` stays on the old,
 * complete version, and the next export writes the new version and switches.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelines } from '../../pipelines/index.ts';
import { loadProject } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { start, until } from '../platform/processes.ts';
import { warehouseOf } from './fixture.ts';
import { openHukouEntry } from './open-entries.ts';

const last = (lines: string[]) => JSON.parse(lines.at(-1)!);

/** The fields the README's "`--json` prints" table lists for a command. */
function documented(command: string): string[] {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${command}\``));
  expect(row, `README documents ${command}`).toBeDefined();
  const first = /`([^`]*)`/.exec(row!.split('|')[3]!)![1]!;
  return first.split(/,\s*/).map((n) => n.trim());
}

/** A county node whose hukou entry is open on conditions, loaded and published. */
async function openNode() {
  const dir = tempDir('gongshu-open-cli-');
  writeFileSync(
    join(dir, 'gongshu.config.ts'),
    `import { memory } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
import { HUKOU_HEADER, hukouRows } from '${REPO_ROOT}test/platform/fixture.ts';
import { openHukouEntry } from '${REPO_ROOT}test/governance/open-entries.ts';
const hukou = definePipeline({
  name: 'hukou',
  source: memory({ name: 'hukou@650102', columns: HUKOU_HEADER, rows: hukouRows('650102', 300) }),
  dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog: openHukouEntry() },
});
export default defineProject({ name: 'node_650102', node: { id: '650102', level: 'county', name: 'node 650102' }, pipelines: [hukou] });
`,
  );
  const loaded = await loadProject(dir);
  const wh = await openWarehouse({ path: warehouseOf(dir) });
  try {
    await runPipelines(wh, loaded.project);
  } finally {
    wh.close();
  }
  for (const step of ['submit', 'approve', 'publish']) {
    const r = gongshu([
      'catalog',
      step,
      'hukou',
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
        dir: join(out, code, 'v1'),
        files: [join(out, code, 'v1', 'data.parquet')],
        rows: 300,
      },
    ]);
    expect(Object.keys(r).sort()).toEqual(documented('open export').sort());
    expect(readlinkSync(join(out, code, 'latest'))).toBe('v1');

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
    const codeDir = join(out, code);
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
});
