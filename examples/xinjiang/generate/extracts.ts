/** The department extracts as clean rows plus the defects each file receives (see `defects.ts`). */
import { addYears, ageOn, compact, iso } from './dates.ts';
import type { ExtractSpec, Injection } from './defects.ts';
import { extractInfo } from './departments.ts';
import type { Division } from './divisions.ts';
import { ETHNICITIES } from './ethnicity.ts';
import { alternativeName } from './names.ts';
import type { Organization, Organizations } from './organizations.ts';
import { MARITAL_LABELS, type Population } from './people.ts';
import { Rng } from './random.ts';

const CITIZEN_KEY_DEFECTS: readonly Injection[] = [
  'bad-checksum',
  'impossible-date',
  'future-birth-date',
  'unknown-division',
  'blank-key',
  'malformed',
  'duplicate-key',
  'fifteen-digit',
  'full-width',
  'lowercase-x',
];
const USCC_KEY_DEFECTS: readonly Injection[] = [
  'bad-checksum',
  'blank-key',
  'malformed',
  'duplicate-key',
  'full-width',
];

type Layout = Pick<ExtractSpec, 'file' | 'department' | 'encoding' | 'eol' | 'keyKind'>;

/** The authoritative source of names and birth dates (一数一源): the household register. */
const HUKOU = 'gongan_hukou.csv';
/** The birth certificates (出生医学证明): the source of a newborn's birth date. */
const BIRTHS = 'weijian_births_deaths.csv';

function layout(file: string): Layout {
  const info = extractInfo(file);
  return {
    file,
    department: info.department,
    encoding: info.encoding === 'gb18030' ? 'gb18030' : info.bom ? 'utf-8-bom' : 'utf-8',
    eol: info.lineEnding === 'CRLF' ? '\r\n' : '\n',
    keyKind: info.keyKind,
  };
}

const renamePerson = (column: number) => (row: readonly string[], rng: Rng) =>
  alternativeName(rng, row[column]!);
const renameOrg = (column: number) => (row: readonly string[]) => {
  const name = row[column]!;
  return name.includes('有限公司') ? name.replace('有限公司', '有限责任公司') : `${name}（原名称）`;
};
const civilAffairsBureau = (d: Division) =>
  `${d.name.endsWith('区') ? d.prefecture.name : ''}${d.name}民政局`;

/** 公安厅 household registration (GB18030, CRLF): one row per resident, grouped by household. */
export function hukouExtract(population: Population, seed: number, asOfDay: number): ExtractSpec {
  const rng = new Rng(seed, 'extract:hukou');
  const freshFrom = addYears(asOfDay, -3);
  const header = [
    '公民身份号码',
    '姓名',
    '性别',
    '民族',
    '出生日期',
    '户号',
    '与户主关系',
    '户籍地址',
    '行政区划代码',
    '登记日期',
    '婚姻状况',
    '联系电话',
  ];
  const rows = population.people.map((p) => [
    p.id,
    p.name,
    p.sex === 1 ? '男' : '女',
    ETHNICITIES[p.ethnicity],
    iso(p.birthDay),
    p.household!.number,
    p.relation,
    p.household!.address,
    p.division.code,
    iso(rng.int(Math.max(freshFrom, p.birthDay), asOfDay)),
    MARITAL_LABELS[p.marital],
    p.mobile,
  ]);
  return {
    ...layout('gongan_hukou.csv'),
    header,
    keyColumn: 0,
    nameColumn: 1,
    rows,
    injections: [
      ...CITIZEN_KEY_DEFECTS,
      'sex-mismatch',
      'birth-date-mismatch',
      'stale-record',
      'ethnicity-invalid',
    ],
    sex: { column: 2, male: '男', female: '女' },
    birthColumn: 4,
    ethnicityColumn: 3,
    fresh: { column: 9, minAge: 11 },
    rename: renamePerson(1),
    authoritative: [{ header: '姓名' }],
    // The birth certificate (出生医学证明) is the source a newborn's registered birth date is entered from.
    accuracy: [
      {
        column: 4,
        source: BIRTHS,
        sourceColumn: '日期',
        keys: (key) => key.slice(6, 14) >= compact(addYears(asOfDay, -3) - 1),
      },
    ],
  };
}

/** 民政厅 marriage and divorce registrations (UTF-8 with BOM, CRLF), keyed by the husband's ID. */
export function marriageExtract(population: Population): ExtractSpec {
  const events = [...population.marriages].sort(
    (a, b) => a.day - b.day || (a.husband.id < b.husband.id ? -1 : 1),
  );
  const serials = new Map<string, number>();
  const rows = events.map((e) => {
    const year = iso(e.day).slice(0, 4);
    const prefix = `${e.kind === '结婚' ? 'J' : 'L'}${e.division.code}-${year}`;
    const serial = (serials.get(prefix) ?? 0) + 1;
    serials.set(prefix, serial);
    return [
      `${prefix}-${String(serial).padStart(6, '0')}`,
      e.husband.id,
      e.husband.name,
      e.wife.id,
      e.wife.name,
      e.kind,
      iso(e.day),
      civilAffairsBureau(e.division),
    ];
  });
  return {
    ...layout('minzheng_marriage.csv'),
    header: [
      '登记证号',
      '男方身份证号',
      '男方姓名',
      '女方身份证号',
      '女方姓名',
      '登记类型',
      '登记日期',
      '登记机关',
    ],
    keyColumn: 1,
    nameColumn: 2,
    rows,
    injections: [...CITIZEN_KEY_DEFECTS, 'name-mismatch'],
    rename: renamePerson(2),
    accuracy: [{ column: 2, source: HUKOU, sourceColumn: '姓名' }],
  };
}

/** 卫健委 birth and death certificates of the last three years (UTF-8, LF), with two quirky addresses. */
export function birthsDeathsExtract(population: Population, seed: number, asOfDay: number): ExtractSpec {
  const rng = new Rng(seed, 'extract:weijian');
  const from = addYears(asOfDay, -3);
  const hospital = (d: Division) =>
    rng.chance(0.6)
      ? `${d.name}人民医院`
      : `${d.prefecture.short}${d.prefecture.name.endsWith('市') ? '市' : ''}妇幼保健院`;
  const records: { day: number; row: string[] }[] = [];
  for (const p of population.people) {
    if (p.birthDay < from) continue;
    records.push({
      day: p.birthDay,
      row: ['出生', p.id, p.name, String(p.sex), iso(p.birthDay), hospital(p.division), p.household!.address],
    });
  }
  for (const d of population.deaths) {
    const p = d.person;
    records.push({
      day: d.day,
      row: ['死亡', p.id, p.name, String(p.sex), iso(d.day), hospital(p.division), d.address],
    });
  }
  records.sort((a, b) => a.day - b.day || (a.row[1]! < b.row[1]! ? -1 : 1));
  return {
    ...layout('weijian_births_deaths.csv'),
    header: ['记录类型', '公民身份号码', '姓名', '性别代码', '日期', '医疗机构', '地址'],
    keyColumn: 1,
    nameColumn: 2,
    rows: records.map((r) => r.row),
    injections: [...CITIZEN_KEY_DEFECTS, 'sex-mismatch', 'name-mismatch'],
    sex: { column: 3, male: '1', female: '2' },
    accuracy: [{ column: 2, source: HUKOU, sourceColumn: '姓名' }],
    authoritative: [{ header: '日期', when: { column: 0, equals: '出生' } }],
    quirks: [
      { kind: 'embedded-comma', column: 6, rewrite: (v) => `${v},3单元501室` },
      { kind: 'embedded-newline', column: 6, rewrite: (v) => `${v}\n（原地址）` },
    ],
    rename: renamePerson(2),
  };
}

/** 人社厅 social-security enrolment (UTF-8, LF): one current enrolment per insured person aged 16-70. */
export function socialSecurityExtract(
  population: Population,
  organizations: Organizations,
  seed: number,
  asOfDay: number,
): ExtractSpec {
  const rng = new Rng(seed, 'extract:renshe');
  const freshFrom = addYears(asOfDay, -3);
  const employers = organizations.enterprises.filter((o) => o.status === '存续' && o.uscc.startsWith('91'));
  const employee = ['企业职工基本养老保险', '职工基本医疗保险', '失业保险', '工伤保险'];
  const resident = ['城乡居民基本养老保险', '城乡居民基本医疗保险'];
  const rows: string[][] = [];
  for (const p of population.people) {
    const age = ageOn(p.birthDay, asOfDay);
    if (age < 16 || age > 70 || !rng.chance(0.7)) continue;
    const works = age >= 18 && age < 60 && employers.length > 0 && rng.chance(0.45);
    const status = rng.weightedIndex([85, 10, 5]);
    rows.push([
      p.id,
      p.name,
      works ? rng.pick(employee) : rng.pick(resident),
      ['参保缴费', '暂停缴费', '终止参保'][status]!,
      iso(rng.int(Math.max(freshFrom, addYears(p.birthDay, 16)), asOfDay)),
      works ? rng.pick(employers).uscc : '',
      works ? `${rng.int(3500, 25000)}.00` : '',
    ]);
  }
  return {
    ...layout('renshe_social_security.csv'),
    header: ['社会保障号码', '姓名', '参保险种', '参保状态', '参保日期', '单位统一社会信用代码', '缴费基数'],
    keyColumn: 0,
    nameColumn: 1,
    rows,
    injections: [...CITIZEN_KEY_DEFECTS, 'stale-record', 'name-mismatch'],
    fresh: { column: 4, minAge: 26 },
    rename: renamePerson(1),
    accuracy: [{ column: 1, source: HUKOU, sourceColumn: '姓名' }],
  };
}

const orgBase = (o: Organization) => [o.uscc, o.name, o.legalRepresentative.name, o.legalRepresentative.id];

/** 市场监管局 enterprise registration (GB18030, CRLF). */
export function enterprisesExtract(organizations: Organizations): ExtractSpec {
  return {
    ...layout('shichang_enterprises.csv'),
    header: [
      '统一社会信用代码',
      '企业名称',
      '法定代表人',
      '法定代表人身份证号',
      '成立日期',
      '注册资本(万元)',
      '登记状态',
      '住所',
      '登记机关区划',
      '所属行业',
    ],
    keyColumn: 0,
    nameColumn: 1,
    rows: organizations.enterprises.map((o) => [
      ...orgBase(o),
      iso(o.registeredDay),
      String(o.capital),
      o.status,
      o.address,
      o.division.code,
      o.industry,
    ]),
    injections: USCC_KEY_DEFECTS,
    rename: renameOrg(1),
  };
}

/** 民政厅 social organisations (UTF-8, LF). */
export function socialOrgsExtract(organizations: Organizations): ExtractSpec {
  return {
    ...layout('minzheng_social_orgs.csv'),
    header: [
      '统一社会信用代码',
      '社会组织名称',
      '法定代表人',
      '法定代表人身份证号',
      '社会组织类型',
      '成立登记日期',
      '注册资金(万元)',
      '登记状态',
      '住所',
      '登记管理机关',
    ],
    keyColumn: 0,
    nameColumn: 1,
    rows: organizations.socialOrgs.map((o) => [
      ...orgBase(o),
      o.type,
      iso(o.registeredDay),
      String(o.capital),
      o.status,
      o.address,
      civilAffairsBureau(o.division),
    ]),
    injections: ['bad-checksum', 'blank-key', 'malformed', 'duplicate-key'],
    rename: renameOrg(1),
  };
}

/** 编办 public institutions (UTF-8, CRLF). */
export function institutionsExtract(organizations: Organizations): ExtractSpec {
  return {
    ...layout('bianban_institutions.csv'),
    header: [
      '统一社会信用代码',
      '单位名称',
      '法定代表人',
      '法定代表人身份证号',
      '开办资金(万元)',
      '成立日期',
      '登记状态',
      '住所',
      '登记管理机关',
    ],
    keyColumn: 0,
    nameColumn: 1,
    rows: organizations.institutions.map((o) => [
      ...orgBase(o),
      String(o.capital),
      iso(o.registeredDay),
      o.status,
      o.address,
      `${o.division.name}机构编制委员会办公室`,
    ]),
    injections: ['bad-checksum', 'blank-key', 'malformed', 'duplicate-key'],
    rename: renameOrg(1),
  };
}
