import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('gongshu validate', () => {
  it('prints one JSON object per input, in input order, and exits 1 when any is invalid', () => {
    const r = gongshu([
      'validate',
      'citizen-id',
      '11010519491231002X',
      '110105491231002',
      '36042619910102009X',
      ' ',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.lines.map((l) => JSON.parse(l))).toEqual([
      {
        input: '11010519491231002X',
        valid: true,
        normalized: '11010519491231002X',
        reason: null,
        warnings: [],
        birthDate: '1949-12-31',
        sex: '2',
        division: '110105',
      },
      {
        input: '110105491231002',
        valid: true,
        normalized: '11010519491231002X',
        reason: null,
        warnings: ['upgraded-from-15'],
        birthDate: '1949-12-31',
        sex: '2',
        division: '110105',
      },
      {
        input: '36042619910102009X',
        valid: false,
        normalized: '36042619910102009X',
        reason: 'checksum',
        warnings: [],
        birthDate: null,
        sex: null,
        division: null,
      },
      {
        input: ' ',
        valid: false,
        normalized: '',
        reason: 'missing',
        warnings: [],
        birthDate: null,
        sex: null,
        division: null,
      },
    ]);
  });

  it('validates USCCs with their parts and exits 0 when all are valid', () => {
    const r = gongshu(['validate', 'uscc', '91110000600037341L', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.lines[0]!)).toMatchObject({
      valid: true,
      authority: '9',
      category: '1',
      division: '110000',
      orgCode: '600037341',
    });
  });

  it('reads values from stdin with -, and prints a table for people', () => {
    const r = gongshu(['validate', 'division', '-'], { input: '650102\n999999\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('天山区');
    expect(r.stdout).toMatch(/999999\s+✗\s+999999\s+unknown/);
  });

  it('rejects an unknown kind with a usage error', () => {
    const r = gongshu(['validate', 'passport', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('citizen-id, uscc, division');
  });
});

describe('gongshu run, sql, catalog', () => {
  it('runs a project from its folder and queries the result', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'ent.csv'),
      iconv.encode(
        '统一社会信用代码,企业名称\r\n91110000600037341L,甲\r\n91110000600037341N,乙\r\n',
        'gb18030',
      ),
    );
    writeFileSync(
      join(dir, 'gongshu.config.ts'),
      `import { csv } from '${REPO_ROOT}connectors/index.ts';
import { definePipeline, uscc } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
export default defineProject({
  name: 'county',
  node: { id: '650102', level: 'county', name: '天山区' },
  pipelines: [definePipeline({ name: 'ent', source: csv({ path: '${dir}/ent.csv' }), dataset: { name: 'ent', key: uscc('统一社会信用代码') } })],
});
`,
    );
    const run = gongshu(['run', '--project', dir, '--json']);
    expect(run.stderr).toContain('load ent → 1 rows (1 quarantined)');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.pipelines[0]).toMatchObject({
      status: 'succeeded',
      rowsRead: 2,
      rowsLoaded: 1,
      quarantinedByReason: { 'key:checksum': 1 },
    });

    const sql = gongshu([
      'sql',
      'SELECT source_location, reason FROM gongshu.quarantine',
      '--project',
      dir,
      '--json',
    ]);
    expect(sql.code).toBe(0);
    expect(sql.lines.map((l) => JSON.parse(l))).toEqual([
      { source_location: 'ent.csv:3', reason: 'key:checksum' },
    ]);

    const unknown = gongshu(['run', 'nope', '--project', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no pipeline named "nope". Known: ent');
  });

  it('merges the project division table, so IDs from codes newer than the built-in table load', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'divisions.csv'), 'code,name,start,end\n659901,测试甲市,2025,\n');
    writeFileSync(join(dir, 'p.csv'), '身份证号,姓名\n659901202501010013,新生儿\n');
    writeFileSync(
      join(dir, 'gongshu.config.ts'),
      `import { csv } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
export default defineProject({
  name: 'county',
  node: { id: '659901', level: 'county', name: '测试甲市' },
  divisionTable: 'divisions.csv',
  pipelines: [definePipeline({ name: 'p', source: csv({ path: '${dir}/p.csv' }), dataset: { name: 'p', key: citizenId('身份证号') } })],
});
`,
    );
    const run = gongshu(['run', '--project', dir, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).pipelines[0]).toMatchObject({ rowsLoaded: 1, rowsQuarantined: 0 });
    // Without the table the same number is an unknown division.
    const plain = gongshu(['validate', 'citizen-id', '659901202501010013', '--json']);
    expect(JSON.parse(plain.stdout)).toMatchObject({ valid: false, reason: 'division' });
    const merged = gongshu([
      'validate',
      'citizen-id',
      '659901202501010013',
      '--json',
      '--divisions',
      join(dir, 'divisions.csv'),
    ]);
    expect(JSON.parse(merged.stdout)).toMatchObject({ valid: true, division: '659901' });
  });

  it('explains a missing project', () => {
    const dir = tempDir();
    const r = gongshu(['run', '--project', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no project file. Expected gongshu.config.ts');
  });

  it('lists the example catalog as JSON', () => {
    const r = gongshu(['catalog', '--project', 'examples/xinjiang', '--json']);
    expect(r.code).toBe(0);
    const entries = r.lines.map((l) => JSON.parse(l));
    expect(entries.map((e) => e.dataset)).toEqual([
      'hukou',
      'marriage',
      'births_deaths',
      'social_security',
      'enterprises',
      'social_orgs',
      'institutions',
    ]);
    expect(entries[0].fields.find((f: { name: string }) => f.name === 'id_number').masking).toBe(
      'citizen-id',
    );
  });
});
