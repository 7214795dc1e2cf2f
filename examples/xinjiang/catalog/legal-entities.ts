import { defineCatalogEntry } from '../../../schemas/index.ts';
import { department } from './departments.ts';

const FILE = 'examples/xinjiang/catalog/legal-entities.ts';

const organisationFields = (kind: { name: string; capital: string }) =>
  [
    { name: 'uscc', title: '统一社会信用代码', type: 'string', required: true },
    { name: 'org_name', title: kind.name, type: 'string', required: true },
    { name: 'legal_rep', title: '法定代表人', type: 'string', sensitive: true },
    { name: 'legal_rep_id', title: '法定代表人身份证号', type: 'string', sensitive: true },
    { name: 'capital', title: kind.capital, type: 'decimal' },
    { name: 'status', title: '登记状态', type: 'string', required: true },
    { name: 'address', title: '住所', type: 'string' },
  ] as const;

/** 企业登记 — enterprise registration from market regulation (open: it is public registration data). */
export const enterprisesCatalog = defineCatalogEntry(
  {
    dataset: 'enterprises',
    code: '1/02/001/0001',
    name: '企业登记信息',
    provider: department('shichang'),
    classification: { kind: 'foundation', item: '法人单位信息', heading: '企业' },
    summary: '企业设立、变更、注销登记基本信息，按统一社会信用代码标识',
    format: 'database',
    // Open items (第二十八条): all but the legal representative's ID, which is not opened; the name is masked.
    fields: [
      ...organisationFields({ name: '企业名称', capital: '注册资本(万元)' }),
      { name: 'established_on', title: '成立日期', type: 'date' as const, required: true },
      { name: 'registry_division', title: '登记机关区划', type: 'string' as const },
      { name: 'industry', title: '所属行业', type: 'string' as const },
    ].map((f) => ({
      ...f,
      openType: f.name === 'legal_rep_id' ? ('none' as const) : ('unconditional' as const),
    })),
    shareType: 'unconditional',
    openType: 'conditional',
    openCondition: '法定代表人身份证号不予开放，其余信息经脱敏后开放',
    updateCycle: 'daily',
    publishedAt: '2024-03-01',
    securityGrade: 'general',
    generalSubLevel: 'L2',
    personalInfo: 'general',
  },
  { file: FILE },
);

/** 社会组织登记 — social organisations from civil affairs. */
export const socialOrgsCatalog = defineCatalogEntry(
  {
    dataset: 'social_orgs',
    code: '1/02/002/0001',
    name: '社会组织登记信息',
    provider: department('minzheng'),
    classification: { kind: 'foundation', item: '法人单位信息', heading: '社会组织' },
    summary: '社会团体、民办非企业单位、基金会登记信息',
    format: 'database',
    fields: [
      ...organisationFields({ name: '社会组织名称', capital: '注册资金(万元)' }),
      { name: 'org_type', title: '社会组织类型', type: 'string' },
      { name: 'established_on', title: '成立登记日期', type: 'date' },
      { name: 'registry', title: '登记管理机关', type: 'string' },
    ],
    shareType: 'unconditional',
    openType: 'conditional',
    openCondition: '法定代表人身份证号不予开放',
    updateCycle: 'monthly',
    publishedAt: '2024-03-01',
    securityGrade: 'general',
    generalSubLevel: 'L2',
    personalInfo: 'general',
  },
  { file: FILE },
);

/** 事业单位登记 — public institutions from the establishment office. */
export const institutionsCatalog = defineCatalogEntry(
  {
    dataset: 'institutions',
    code: '1/02/003/0001',
    name: '事业单位登记信息',
    provider: department('bianban'),
    classification: { kind: 'foundation', item: '法人单位信息', heading: '事业单位' },
    summary: '事业单位法人登记信息',
    format: 'database',
    fields: [
      ...organisationFields({ name: '单位名称', capital: '开办资金(万元)' }),
      { name: 'established_on', title: '成立日期', type: 'date' },
      { name: 'registry', title: '登记管理机关', type: 'string' },
    ],
    shareType: 'unconditional',
    openType: 'conditional',
    openCondition: '法定代表人身份证号不予开放',
    updateCycle: 'monthly',
    publishedAt: '2024-03-01',
    securityGrade: 'general',
    generalSubLevel: 'L2',
    personalInfo: 'general',
  },
  { file: FILE },
);
