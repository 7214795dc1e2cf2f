/**
 * What a new user does: `gongshu init`, then run, quality, build, report from the new folder (the installed
 * command, gongshu installed into the project), commands from other folders, a gate that blocks, and the
 * definition mistakes of issue #14 — each one message naming the file, the field, what is allowed and the fix.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.ts';
import { gongshuIn, installGongshu } from './fixture.ts';

/** `gongshu init` into a fresh folder, with gongshu installed there. */
function init(extra: string[] = []): string {
  const parent = tempDir('gongshu-init-');
  const dir = join(parent, 'tianshan');
  const r = gongshuIn(parent, ['init', 'tianshan', '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.lines.at(-1)!)).toMatchObject({
    dir,
    node: { id: '650102', level: 'county', name: '天山区' },
    files: [
      'package.json',
      'tsconfig.json',
      'gongshu.config.ts',
      'data/hukou.csv',
      '.gitignore',
      'README.md',
    ],
  });
  installGongshu(dir);
  return dir;
}

const edit = (dir: string, from: string, to: string) => {
  const file = join(dir, 'gongshu.config.ts');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe('gongshu init', () => {
  it('writes a working project: run, quality, build, report from its folder; paths from anywhere', () => {
    const dir = init();
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      type: 'module',
      dependencies: { gongshu: expect.stringMatching(/^file:\//) },
    });
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions).toMatchObject({
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
    });
    const csv = readFileSync(join(dir, 'data/hukou.csv'));
    expect(csv.includes(Buffer.from('公民身份号码'))).toBe(false); // not UTF-8 …
    expect(iconv.decode(csv, 'gb18030').split('\r\n')[0]).toBe(
      '公民身份号码,姓名,性别,出生日期,民族,行政区划代码,登记日期',
    );
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.gongshu/');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npx gongshu run');

    const run = gongshuIn(dir, ['run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.lines.at(-1)!)).toMatchObject({
      status: 'succeeded',
      rowsRead: 20,
      rowsLoaded: 18,
      rowsQuarantined: 2,
      pipelines: [{ quarantinedByReason: { 'key:checksum': 1, 'key:missing': 1 } }],
    });
    const quality = gongshuIn(dir, ['quality', '--json']);
    expect(quality.code, quality.stderr).toBe(0);
    const report = JSON.parse(quality.lines.at(-1)!);
    const dims = report.datasets[0].dimensions;
    expect(Object.keys(dims).sort()).toEqual([
      'accuracy',
      'completeness',
      'consistency',
      'timeliness',
      'validity',
    ]);
    expect(report.status).toBe('pass');
    const build = gongshuIn(dir, ['build', '--json']);
    expect(build.code, build.stderr).toBe(0);
    expect(
      JSON.parse(build.lines.at(-1)!).nodes.map((n: { node: string; status: string }) => [n.node, n.status]),
    ).toEqual([
      ['foundation.population', 'succeeded'],
      ['theme.residents_by_group', 'succeeded'],
    ]);
    const dashboard = gongshuIn(dir, ['report', '--json']);
    expect(dashboard.code, dashboard.stderr).toBe(0);
    expect(existsSync(join(dir, 'out/report/index.html'))).toBe(true);

    // From another folder with --project; from a subfolder without it (the nearest gongshu.config.ts upward).
    const elsewhere = gongshuIn(tmpdir(), ['run', '--project', dir, '--json']);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(JSON.parse(elsewhere.lines.at(-1)!)).toMatchObject({ rowsLoaded: 18 });
    const below = gongshuIn(join(dir, 'data'), ['runs', '--json']);
    expect(below.code, below.stderr).toBe(0);
    const kinds = below.lines.map((l) => JSON.parse(l).kind);
    expect(new Set(kinds)).toEqual(new Set(['pipeline', 'quality', 'build', 'report']));
    const nowhere = gongshuIn(tmpdir(), ['runs']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(
      /no project file\. Expected gongshu\.config\.ts in .* or any folder above it\. Fix: run the command inside a project folder/,
    );
  }, 300_000);

  it('refuses a folder that is not empty (exit 2)', () => {
    const parent = tempDir('gongshu-init-');
    writeFileSync(join(parent, 'notes.txt'), 'x');
    const r = gongshuIn(tmpdir(), ['init', parent]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/init: the folder is not empty\. Fix: gongshu init a new folder/);
  });

  it('a gate blocks the build (exit 1, status blocked, naming dataset and rule); --allow-blocked exits 0', () => {
    const dir = init();
    // Without the sample's relaxed threshold the built-in key rules pass at 99%: 2 bad keys in 20 rows fail them.
    edit(dir, '  keyRules: { mostly: 0.9 },\n', '');
    expect(gongshuIn(dir, ['run']).code).toBe(0);
    const blocked = gongshuIn(dir, ['build', '--json']);
    expect(blocked.code).toBe(1);
    const summary = JSON.parse(blocked.lines.at(-1)!);
    expect(summary.status).toBe('blocked');
    const model = summary.nodes.find((n: { node: string }) => n.node === 'theme.residents_by_group');
    expect(model.status).toBe('blocked');
    expect(model.blockedBy).toEqual([
      {
        dataset: 'hukou',
        rule: 'key-complete',
        message: 'hukou fails error rule key-complete (pass rate 95.00% < mostly 99.00%)',
      },
      {
        dataset: 'hukou',
        rule: 'key-valid',
        message: 'hukou fails error rule key-valid (pass rate 94.74% < mostly 99.00%)',
      },
    ]);
    const allowed = gongshuIn(dir, ['build', '--allow-blocked']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(
      /theme\.residents_by_group: blocked: quality gate: upstream hukou fails error rule key-complete/,
    );
  }, 240_000);

  it('reports the definition mistakes of a user with the file, the field, what is allowed and the fix (exit 2)', () => {
    const dir = init();
    const config = readFileSync(join(dir, 'gongshu.config.ts'), 'utf8');
    const reset = () => writeFileSync(join(dir, 'gongshu.config.ts'), config);

    // A catalog field whose title matches no source column.
    edit(dir, "title: '登记日期'", "title: '登记时间'");
    let r = gongshuIn(dir, ['run']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(
      /gongshu\.config\.ts: pipeline hukou: dataset\.catalog\.fields: field registered_on \(title "登记时间"\) matches no column of .*hukou\.csv \(columns: 公民身份号码, 姓名, 性别, 出生日期, 民族, 行政区划代码, 登记日期\)\. Fix: set the field's title to the source header/,
    );
    reset();
    expect(gongshuIn(dir, ['run']).code).toBe(0);

    // A rule on a column the dataset lacks.
    edit(dir, "notNull('name')", "notNull('full_name')");
    r = gongshuIn(dir, ['quality']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /gongshu\.config\.ts: defineQuality\("hukou"\): rules\[0\] \(not-null:full_name\): column "full_name" is not a column of table hukou \(columns: id_number, name, sex, birth_date, ethnicity, division, registered_on\)\. Fix: name a column of the dataset/,
    );
    reset();

    // A foundation field naming a missing column: before the build's SQL runs.
    edit(dir, "name: { source: 'hukou', column: 'name' }", "name: { source: 'hukou', column: 'xingming' }");
    r = gongshuIn(dir, ['build']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /gongshu\.config\.ts: foundation population: fields\.name: column "xingming" is not a column of dataset hukou \(columns: birth_date, division, ethnicity, id_number, name, registered_on, sex\)\. Fix: name one of those columns/,
    );
    expect(r.stderr).not.toMatch(/Binder Error/);
    reset();

    // defineQuality for a dataset that does not exist; a schedule naming an unknown model.
    edit(dir, "defineQuality('hukou'", "defineQuality('hukuo'");
    r = gongshuIn(dir, ['catalog']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /gongshu\.config\.ts: defineQuality\("hukuo"\): dataset "hukuo" is not a dataset of project tianshan \(datasets: hukou; built tables: foundation\.population, theme\.residents_by_group\)\. Fix: name a dataset a pipeline loads \(its dataset\.name\) or a built table/,
    );
    reset();
    edit(dir, "build: ['*']", "build: ['+topic.nope']");
    r = gongshuIn(dir, ['schedules']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /gongshu\.config\.ts: schedule nightly: run\.build: no foundation or model named "topic\.nope" \(known: foundation\.population, theme\.residents_by_group\)\. Fix: use a foundation or model name/,
    );
  }, 300_000);
});
