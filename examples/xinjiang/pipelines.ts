import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csv } from '../../connectors/index.ts';
import { citizenId, definePipeline, uscc } from '../../pipelines/index.ts';
import { enterprisesCatalog, institutionsCatalog, socialOrgsCatalog } from './catalog/legal-entities.ts';
import {
  birthsDeathsCatalog,
  hukouCatalog,
  marriageCatalog,
  socialSecurityCatalog,
} from './catalog/population.ts';

/** The folder the department extracts are dropped into (written by `gongshu demo`). */
export const DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));

/**
 * The department pipelines of the example region, reading the extracts in `dataDir`
 * (the generator's output folder; `DATA_DIR` for the example project).
 */
export function xinjiangPipelines(dataDir: string = DATA_DIR) {
  const file = (name: string) => join(dataDir, name);

  /** 公安厅 household registration: GB18030, CRLF, keyed by citizen ID. */
  const hukou = definePipeline({
    name: 'hukou',
    description: '户籍人口 (公安厅)',
    source: csv({ path: file('gongan_hukou.csv') }),
    dataset: { name: 'hukou', title: '户籍人口', key: citizenId('公民身份号码'), catalog: hukouCatalog },
  });

  /** 民政厅 marriage registrations: UTF-8 with BOM, keyed by the husband's ID. */
  const marriage = definePipeline({
    name: 'marriage',
    description: '婚姻登记 (民政厅)',
    source: csv({ path: file('minzheng_marriage.csv') }),
    dataset: {
      name: 'marriage',
      title: '婚姻登记',
      key: citizenId('男方身份证号'),
      catalog: marriageCatalog,
    },
  });

  /** 卫健委 birth and death certificates. */
  const birthsDeaths = definePipeline({
    name: 'births_deaths',
    description: '出生和死亡医学证明 (卫健委)',
    source: csv({ path: file('weijian_births_deaths.csv') }),
    dataset: {
      name: 'births_deaths',
      title: '出生死亡',
      key: citizenId('公民身份号码'),
      catalog: birthsDeathsCatalog,
    },
  });

  /** 人社厅 social-security enrolment. */
  const socialSecurity = definePipeline({
    name: 'social_security',
    description: '社会保险参保 (人社厅)',
    source: csv({ path: file('renshe_social_security.csv') }),
    dataset: {
      name: 'social_security',
      title: '社会保险参保',
      key: citizenId('社会保障号码'),
      catalog: socialSecurityCatalog,
    },
  });

  /** 市场监管局 enterprise registration: GB18030, keyed by USCC. */
  const enterprises = definePipeline({
    name: 'enterprises',
    description: '企业登记 (市场监管局)',
    source: csv({ path: file('shichang_enterprises.csv') }),
    dataset: {
      name: 'enterprises',
      title: '企业登记',
      key: uscc('统一社会信用代码'),
      catalog: enterprisesCatalog,
    },
  });

  /** 民政厅 social organisations. */
  const socialOrgs = definePipeline({
    name: 'social_orgs',
    description: '社会组织登记 (民政厅)',
    source: csv({ path: file('minzheng_social_orgs.csv') }),
    dataset: {
      name: 'social_orgs',
      title: '社会组织',
      key: uscc('统一社会信用代码'),
      catalog: socialOrgsCatalog,
    },
  });

  /** 编办 public institutions. */
  const institutions = definePipeline({
    name: 'institutions',
    description: '事业单位登记 (编办)',
    source: csv({ path: file('bianban_institutions.csv') }),
    dataset: {
      name: 'institutions',
      title: '事业单位',
      key: uscc('统一社会信用代码'),
      catalog: institutionsCatalog,
    },
  });

  return [hukou, marriage, birthsDeaths, socialSecurity, enterprises, socialOrgs, institutions];
}
