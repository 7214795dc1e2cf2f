/** `gongshu ingest` in a project: into the project's warehouse, with --project or from inside its folders. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { gongshuIn, projectFolder } from './fixture.ts';

const CONFIG = `
import { defineProject } from 'gongshu';
export default defineProject({
  name: 'adhoc',
  node: { id: '650102', level: 'county', name: '天山区' },
  warehouse: 'store/node.duckdb',
});
`;
const CSV = '公民身份号码,姓名\n11010519491231002X,甲\n440524188001010014,乙\n';

describe('gongshu ingest in a project', () => {
  it("loads into the project's warehouse with --project or from a folder inside it, else into .gongshu/ here", async () => {
    const project = projectFolder({ 'gongshu.config.ts': CONFIG, 'data/p.csv': CSV });
    const outside = tempDir();
    writeFileSync(join(outside, 'p.csv'), CSV);
    const key = ['--key', 'citizen-id:公民身份号码'];
    const given = gongshu(
      ['ingest', join(outside, 'p.csv'), '--dataset', 'a', ...key, '--project', project],
      {
        cwd: outside,
      },
    );
    expect(given.code).toBe(0);
    expect(given.stderr).toContain(`sql "SELECT * FROM a LIMIT 10" --project ${project}`);
    mkdirSync(join(project, 'data', 'deeper'), { recursive: true });
    expect(
      gongshuIn(join(project, 'data', 'deeper'), ['ingest', '../p.csv', '--dataset', 'b', ...key]).code,
    ).toBe(0);
    expect(existsSync(join(project, 'data', 'deeper', '.gongshu'))).toBe(false);
    const here = gongshu(['ingest', 'p.csv', '--dataset', 'c', ...key], { cwd: outside });
    expect(here.code).toBe(0);
    const wh = await openWarehouse({ path: join(project, 'store', 'node.duckdb'), readOnly: true });
    try {
      expect(await wh.value('SELECT count(*) FROM a')).toBe(2);
      expect(await wh.value('SELECT count(*) FROM b')).toBe(2);
    } finally {
      wh.close();
    }
    expect(existsSync(join(outside, '.gongshu', 'warehouse.duckdb'))).toBe(true);
    const bad = gongshu(['ingest', 'p.csv', '--dataset', 'd', ...key, '--project', join(outside, 'none')], {
      cwd: outside,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--project');
  });
});
