import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * A small county project in a fresh temporary folder: one catalogued citizen-ID dataset `hukou` from a CSV with
 * one good row and one with a bad check character. Not loaded yet.
 */
export function countyProject(): string {
  const dir = tempDir('gongshu-cli-');
  writeFileSync(
    join(dir, 'hukou.csv'),
    '公民身份号码,姓名,出生日期\n11010519491231002X,张三,1949-12-31\n110105194912310021,李四,1949-12-31\n',
  );
  writeFileSync(
    join(dir, 'gongshu.config.ts'),
    `import { csv } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
import { defineCatalogEntry } from '${REPO_ROOT}schemas/index.ts';

const catalog = defineCatalogEntry({
  dataset: 'hukou',
  code: '1/01/001/0001',
  name: '户籍人口登记信息',
  provider: { name: '天山区公安分局', code: 'GA650102' },
  classification: { kind: 'foundation', item: '人口信息' },
  summary: '户籍人口',
  format: 'database',
  fields: [
    { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
    { name: 'name', title: '姓名', type: 'string', sensitive: true },
    { name: 'birth_date', title: '出生日期', type: 'date' },
  ],
  shareType: 'conditional',
  shareCondition: '仅向依法履行人口管理职责的部门共享',
  legalBasis: '《中华人民共和国户口登记条例》',
  openType: 'none',
  updateCycle: 'daily',
  publishedAt: '2026-01-01',
  securityGrade: 'important',
  personalInfo: 'sensitive',
});

export default defineProject({
  name: 'county',
  node: { id: '650102', level: 'county', name: '天山区' },
  pipelines: [
    definePipeline({
      name: 'hukou',
      source: csv({ path: ${JSON.stringify(join(dir, 'hukou.csv'))} }),
      dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog },
    }),
  ],
});
`,
  );
  return dir;
}
