/** The departments that send extracts, with the file each sends and the key a pipeline loads it by. */
import { uscc } from './identifiers.ts';

/** How a department's extract is keyed. */
export type KeyKind = 'citizen-id' | 'uscc';

/** One file a department sends. */
export interface DepartmentExtract {
  readonly file: string;
  readonly keyColumn: string;
  readonly keyKind: KeyKind;
  readonly encoding: 'utf-8' | 'gb18030';
  readonly bom: boolean;
  readonly lineEnding: 'CRLF' | 'LF';
  readonly description: string;
}

/** A provincial department of the synthetic Xinjiang platform. */
export interface Department {
  readonly id: string;
  /** A synthetic but well-formed USCC of the department itself (机关: category 11, region 650000). */
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly extracts: readonly DepartmentExtract[];
}

const REGION = '新疆维吾尔自治区';

/** The six departments and their extracts (file names match what `generateRegion` writes). */
export const DEPARTMENTS: readonly Department[] = [
  {
    id: 'gongan',
    code: uscc('11', '650000', '01010001'),
    nameZh: `${REGION}公安厅`,
    nameEn: 'Public Security Department of Xinjiang Uygur Autonomous Region',
    extracts: [
      {
        file: 'gongan_hukou.csv',
        keyColumn: '公民身份号码',
        keyKind: 'citizen-id',
        encoding: 'gb18030',
        bom: false,
        lineEnding: 'CRLF',
        description: '户籍人口登记信息 (household registration)',
      },
    ],
  },
  {
    id: 'minzheng',
    code: uscc('11', '650000', '01010002'),
    nameZh: `${REGION}民政厅`,
    nameEn: 'Department of Civil Affairs of Xinjiang Uygur Autonomous Region',
    extracts: [
      {
        file: 'minzheng_marriage.csv',
        keyColumn: '男方身份证号',
        keyKind: 'citizen-id',
        encoding: 'utf-8',
        bom: true,
        lineEnding: 'CRLF',
        description: '婚姻登记信息 (marriage and divorce registrations)',
      },
      {
        file: 'minzheng_social_orgs.csv',
        keyColumn: '统一社会信用代码',
        keyKind: 'uscc',
        encoding: 'utf-8',
        bom: false,
        lineEnding: 'LF',
        description: '社会组织登记信息 (social organisations 51/52/53)',
      },
    ],
  },
  {
    id: 'weijian',
    code: uscc('11', '650000', '01010003'),
    nameZh: `${REGION}卫生健康委员会`,
    nameEn: 'Health Commission of Xinjiang Uygur Autonomous Region',
    extracts: [
      {
        file: 'weijian_births_deaths.csv',
        keyColumn: '公民身份号码',
        keyKind: 'citizen-id',
        encoding: 'utf-8',
        bom: false,
        lineEnding: 'LF',
        description: '出生医学证明与死亡医学证明 (birth and death certificates)',
      },
    ],
  },
  {
    id: 'renshe',
    code: uscc('11', '650000', '01010004'),
    nameZh: `${REGION}人力资源和社会保障厅`,
    nameEn: 'Department of Human Resources and Social Security of Xinjiang Uygur Autonomous Region',
    extracts: [
      {
        file: 'renshe_social_security.csv',
        keyColumn: '社会保障号码',
        keyKind: 'citizen-id',
        encoding: 'utf-8',
        bom: false,
        lineEnding: 'LF',
        description: '社会保险参保信息 (social-security enrolment)',
      },
    ],
  },
  {
    id: 'shichang',
    code: uscc('11', '650000', '01010005'),
    nameZh: `${REGION}市场监督管理局`,
    nameEn: 'Administration for Market Regulation of Xinjiang Uygur Autonomous Region',
    extracts: [
      {
        file: 'shichang_enterprises.csv',
        keyColumn: '统一社会信用代码',
        keyKind: 'uscc',
        encoding: 'gb18030',
        bom: false,
        lineEnding: 'CRLF',
        description: '市场主体登记信息 (enterprises 91, individual businesses 92, co-operatives 93)',
      },
    ],
  },
  {
    id: 'bianban',
    code: uscc('11', '650000', '01010006'),
    nameZh: `${REGION}机构编制委员会办公室`,
    nameEn: 'Commission Office for Public Sector Reform of Xinjiang Uygur Autonomous Region',
    extracts: [
      {
        file: 'bianban_institutions.csv',
        keyColumn: '统一社会信用代码',
        keyKind: 'uscc',
        encoding: 'utf-8',
        bom: false,
        lineEnding: 'CRLF',
        description: '事业单位登记信息 (public institutions 12)',
      },
    ],
  },
];

/** The extract metadata for a file name; throws if the file is not one the generator writes. */
export function extractInfo(file: string): DepartmentExtract & { readonly department: string } {
  for (const d of DEPARTMENTS) {
    const e = d.extracts.find((x) => x.file === file);
    if (e) return { ...e, department: d.id };
  }
  throw new RangeError(`examples/xinjiang/generate: unknown extract file "${file}"`);
}
