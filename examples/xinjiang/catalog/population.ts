import { defineCatalogEntry } from '../../../schemas/index.ts';
import { department } from './departments.ts';

const FILE = 'examples/xinjiang/catalog/population.ts';
const POPULATION_BASIS = '《新疆维吾尔自治区公共数据管理办法（试行）》第十三条、第十九条';

/** 户籍人口 — household registration from public security. */
export const hukouCatalog = defineCatalogEntry(
  {
    dataset: 'hukou',
    code: '1/01/001/0001',
    name: '户籍人口登记信息',
    provider: department('gongan'),
    classification: { kind: 'foundation', item: '人口信息', heading: '户籍人口' },
    summary: '全区常住户口登记的公民基本信息，按公民身份号码标识',
    format: 'database',
    fields: [
      { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
      { name: 'name', title: '姓名', type: 'string', sensitive: true, required: true },
      { name: 'sex', title: '性别', type: 'string', required: true },
      { name: 'ethnicity', title: '民族', type: 'string' },
      { name: 'birth_date', title: '出生日期', type: 'date', required: true },
      { name: 'household_no', title: '户号', type: 'string' },
      { name: 'relation', title: '与户主关系', type: 'string' },
      { name: 'address', title: '户籍地址', type: 'string', sensitive: true },
      { name: 'division', title: '行政区划代码', type: 'string', required: true },
      { name: 'registered_on', title: '登记日期', type: 'date' },
      { name: 'marital_status', title: '婚姻状况', type: 'string' },
      { name: 'mobile', title: '联系电话', type: 'string', sensitive: true },
    ],
    shareType: 'conditional',
    shareCondition: '仅向依法履行人口管理、社会保障、民政服务职责的部门共享',
    legalBasis: `《中华人民共和国户口登记条例》；${POPULATION_BASIS}`,
    openType: 'none',
    updateCycle: 'daily',
    publishedAt: '2024-03-01',
    reviewDueAt: '2027-03-01',
    securityGrade: 'important',
    personalInfo: 'sensitive',
    // Rows fall under the division of registered residence, not the ID's place of issue (a migrant's ID keeps it).
    jurisdiction: { column: 'division', basis: 'registered-residence' },
  },
  { file: FILE },
);

/** 婚姻登记 — marriage and divorce registrations from civil affairs. */
export const marriageCatalog = defineCatalogEntry(
  {
    dataset: 'marriage',
    code: '1/01/002/0001',
    name: '婚姻登记信息',
    provider: department('minzheng'),
    classification: { kind: 'foundation', item: '人口信息', heading: '婚姻状况' },
    summary: '结婚、离婚登记记录',
    format: 'database',
    fields: [
      { name: 'certificate_no', title: '登记证号', type: 'string', required: true },
      { name: 'husband_id', title: '男方身份证号', type: 'string', sensitive: true, required: true },
      // The husband's name is a person.name held by the household register (公安厅): repeated collection (第十三条).
      {
        name: 'husband_name',
        title: '男方姓名',
        type: 'string',
        sensitive: true,
        element: 'person.name',
      },
      { name: 'wife_id', title: '女方身份证号', type: 'string', sensitive: true, required: true },
      { name: 'wife_name', title: '女方姓名', type: 'string', sensitive: true },
      { name: 'kind', title: '登记类型', type: 'string', required: true },
      { name: 'registered_on', title: '登记日期', type: 'date', required: true },
      { name: 'registry', title: '登记机关', type: 'string' },
    ],
    shareType: 'conditional',
    shareCondition: '仅向依法办理婚姻、户籍、社会救助业务的部门共享',
    legalBasis: `《婚姻登记条例》；${POPULATION_BASIS}`,
    openType: 'none',
    updateCycle: 'daily',
    publishedAt: '2024-03-01',
    reviewDueAt: '2027-03-01',
    securityGrade: 'important',
    personalInfo: 'sensitive',
  },
  { file: FILE },
);

/** 出生、死亡医学证明 — births and deaths from the health commission. */
export const birthsDeathsCatalog = defineCatalogEntry(
  {
    dataset: 'births_deaths',
    code: '1/01/003/0001',
    name: '出生和死亡医学证明信息',
    provider: department('weijian'),
    classification: { kind: 'foundation', item: '人口信息', heading: '出生死亡' },
    summary: '出生医学证明与死亡医学证明签发记录',
    format: 'database',
    fields: [
      { name: 'record_type', title: '记录类型', type: 'string', required: true },
      { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
      { name: 'name', title: '姓名', type: 'string', sensitive: true },
      { name: 'sex_code', title: '性别代码', type: 'string' },
      { name: 'event_date', title: '日期', type: 'date', required: true },
      { name: 'institution', title: '医疗机构', type: 'string' },
      { name: 'address', title: '地址', type: 'string', sensitive: true },
    ],
    shareType: 'conditional',
    shareCondition: '仅向户籍管理、社会保障、卫生健康统计部门共享',
    legalBasis: `《中华人民共和国母婴保健法》；${POPULATION_BASIS}`,
    openType: 'none',
    updateCycle: 'daily',
    publishedAt: '2024-03-01',
    reviewDueAt: '2027-03-01',
    securityGrade: 'important',
    personalInfo: 'sensitive',
  },
  { file: FILE },
);

/** 社会保险参保 — social-security enrolment from human resources and social security. */
export const socialSecurityCatalog = defineCatalogEntry(
  {
    dataset: 'social_security',
    code: '2/02/001/0001',
    name: '社会保险参保信息',
    provider: department('renshe'),
    classification: { kind: 'theme', item: '社会保障', heading: '社会保险' },
    summary: '城镇职工及城乡居民社会保险参保登记',
    format: 'database',
    fields: [
      { name: 'id_number', title: '社会保障号码', type: 'string', sensitive: true, required: true },
      { name: 'name', title: '姓名', type: 'string', sensitive: true },
      { name: 'insurance', title: '参保险种', type: 'string', required: true },
      { name: 'status', title: '参保状态', type: 'string', required: true },
      { name: 'enrolled_on', title: '参保日期', type: 'date' },
      { name: 'employer_uscc', title: '单位统一社会信用代码', type: 'string' },
      { name: 'contribution_base', title: '缴费基数', type: 'decimal' },
    ],
    shareType: 'conditional',
    shareCondition: '仅向社会救助、医疗保障、税务部门共享',
    legalBasis: `《中华人民共和国社会保险法》；${POPULATION_BASIS}`,
    openType: 'none',
    updateCycle: 'monthly',
    publishedAt: '2024-03-01',
    reviewDueAt: '2027-03-01',
    securityGrade: 'important',
    personalInfo: 'sensitive',
  },
  { file: FILE },
);
