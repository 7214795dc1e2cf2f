/** The files of a new project (`gongshu init`), as text. */

/** What the templates need to know. */
export interface ScaffoldSpec {
  /** The project (package) name: lower-case letters, digits and _. */
  readonly name: string;
  readonly node: {
    readonly id: string;
    readonly level: 'county' | 'prefecture' | 'region';
    readonly name: string;
  };
  /** The gongshu dependency: `file:/path/to/gongshu` or a version range. */
  readonly gongshu: string;
}

/** package.json: an ES module package depending on gongshu. */
export function packageJson(s: ScaffoldSpec): string {
  return `${JSON.stringify(
    {
      name: s.name.replaceAll('_', '-'),
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `${s.node.name} (${s.node.id}) 公共数据平台节点 — gongshu project`,
      scripts: {
        gongshu: 'gongshu',
        typecheck: 'tsc --noEmit',
      },
      dependencies: { gongshu: s.gongshu },
      devDependencies: { typescript: '5.9.3', '@types/node': '20.19.0' },
      engines: { node: '>=20.19' },
    },
    null,
    2,
  )}\n`;
}

/** tsconfig.json: NodeNext, strict, no emit (gongshu runs the TypeScript config through tsx). */
export function tsconfigJson(): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        allowImportingTsExtensions: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['gongshu.config.ts', 'src/**/*.ts'],
    },
    null,
    2,
  )}\n`;
}

/** .gitignore: the warehouse, reports, keys and node_modules stay out of git. */
export function gitignore(): string {
  return ['node_modules/', '.gongshu/', 'out/', '*.duckdb', '*.duckdb.wal', ''].join('\n');
}

/** gongshu.config.ts: one pipeline, its catalog entry, quality rules in five dimensions, a foundation, a model, a schedule. */
export function config(s: ScaffoldSpec): string {
  return `/**
 * ${s.node.name} (${s.node.id}) — a gongshu project. Every relative path here resolves from this file's folder.
 * Run: npx gongshu run · quality · build · report · serve   (README.md lists them)
 */
import {
  agreesWithKey,
  citizenId,
  csv,
  defineCatalogEntry,
  defineFoundation,
  definePipeline,
  defineProject,
  defineQuality,
  defineSchedule,
  freshness,
  inCodeTable,
  notNull,
  sqlPredicate,
  theme,
} from 'gongshu';

/** 户籍人口登记信息: the catalog entry (政务信息资源目录). A field whose title is a source header renames that column to the field's name and types it. */
const hukouCatalog = defineCatalogEntry({
  dataset: 'hukou',
  code: '1/01/001/0001',
  name: '户籍人口登记信息',
  provider: { name: '公安局', code: '${s.node.id}001' },
  classification: { kind: 'foundation', item: '人口信息', heading: '户籍人口' },
  summary: '本地户籍人口的公民基本信息，按公民身份号码标识',
  format: 'database',
  fields: [
    { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
    { name: 'name', title: '姓名', type: 'string', sensitive: true, required: true },
    { name: 'sex', title: '性别', type: 'string', required: true },
    { name: 'birth_date', title: '出生日期', type: 'date', required: true },
    { name: 'ethnicity', title: '民族', type: 'string' },
    { name: 'division', title: '行政区划代码', type: 'string', required: true },
    { name: 'registered_on', title: '登记日期', type: 'date' },
  ],
  shareType: 'conditional',
  shareCondition: '仅向依法履行人口管理、社会保障职责的部门共享',
  legalBasis: '《中华人民共和国户口登记条例》',
  openType: 'none',
  updateCycle: 'monthly',
  publishedAt: '2026-01-01',
  securityGrade: 'important',
  personalInfo: 'sensitive',
});

/** 公安 household register: a GB18030 CSV (encoding and delimiter are detected). */
const hukou = definePipeline({
  name: 'hukou',
  description: '户籍人口 (公安局)',
  source: csv({ path: 'data/hukou.csv' }),
  dataset: { name: 'hukou', title: '户籍人口', key: citizenId('公民身份号码'), writeMode: 'replace', catalog: hukouCatalog },
});

/** 人口基础库: one authoritative source per field (一数一源). */
const population = defineFoundation({
  name: 'population',
  title: '人口基础库',
  key: 'citizen-id',
  fields: {
    name: { source: 'hukou', column: 'name' },
    sex: { source: 'hukou', column: 'sex' },
    birth_date: { source: 'hukou', column: 'birth_date' },
    ethnicity: { source: 'hukou', column: 'ethnicity' },
    division: { source: 'hukou', column: 'division' },
  },
});

/** 人口主题库: residents by sex and ethnicity (gate: not built while hukou fails an error rule). */
const residents = theme({
  name: 'residents_by_group',
  title: '人口主题库：按性别、民族统计',
  sql: ({ ref }) => \`SELECT sex, ethnicity, count(*) AS people FROM \${ref('foundation.population')} GROUP BY ALL ORDER BY ALL\`,
});

/**
 * Quality rules in the five dimensions (the catalog and the key add more: required fields, types, code tables).
 * The built-in key rules pass at 99% by default; the sample has 2 bad keys in 20 rows, hence 0.9 here.
 */
const hukouQuality = defineQuality('hukou', {
  keyRules: { mostly: 0.9 },
  blankValues: ['无', '-'],
  rules: [
    notNull('name'), // 完整性 completeness
    inCodeTable('ethnicity', 'ethnicity'), // 有效性 validity
    freshness('registered_on', { maxAge: '20 years' }), // 及时性 timeliness (warn)
    agreesWithKey('birth_date', 'birth-date'), // 一致性 consistency
    sqlPredicate('division-in-node', "starts_with(division, '${s.node.id.replace(/0+$/, '')}')", {
      column: 'division',
      dimension: 'accuracy', // 准确性 accuracy against reference data: this node's divisions
    }),
  ],
});

/** Every night at 02:00 (Asia/Shanghai): load, score, build, render the dashboard. */
const nightly = defineSchedule({
  name: 'nightly',
  cron: '0 2 * * *',
  run: { pipelines: ['hukou'], quality: true, build: ['*'], report: true },
});

export default defineProject({
  name: '${s.name}',
  title: '${s.node.name}公共数据平台',
  node: { id: '${s.node.id}', level: '${s.node.level}', name: '${s.node.name}' },
  pipelines: [hukou],
  quality: [hukouQuality],
  foundations: [population],
  models: [residents],
  schedules: [nightly],
  // calendar: ['calendar/2027.json'], // the State Council's holiday arrangement of a year gongshu does not know yet
  // alerts: [{ on: ['run-failed', 'gate-blocked'], webhook: { url: 'https://oapi.dingtalk.com/robot/send?access_token=…', format: 'dingtalk', secret: 'SEC…' } }],
});
`;
}

/** README.md: what the project is and the next commands. */
export function readme(s: ScaffoldSpec): string {
  return `# ${s.node.name} (${s.node.id}) — gongshu project

Made by \`gongshu init\`. \`gongshu.config.ts\` defines one pipeline (\`data/hukou.csv\`, a GB18030 household
register with two bad rows), its catalog entry, quality rules in the five dimensions, the population foundation,
a theme model and a nightly schedule. Relative paths in the config resolve from this folder.

## Next

\`\`\`sh
npm install                  # installs gongshu (and TypeScript for npm run typecheck)
npx gongshu run              # load data/hukou.csv → 18 rows loaded, 2 quarantined
npx gongshu quarantine list  # the two bad rows, with file:line and reason
npx gongshu quality          # five quality dimensions; report in .gongshu/reports/
npx gongshu build            # foundation.population, theme.residents_by_group
npx gongshu report           # the dashboard: out/report/index.html
npx gongshu schedules        # the nightly schedule and its next firing
npx gongshu serve            # the node service: schedules, HTTP, and the CLI's commands go through it
npm run typecheck            # tsc --noEmit (NodeNext, strict)
\`\`\`

Commands run inside this folder (or below it) find the project; from elsewhere pass \`--project ${s.name}\`.
`;
}
