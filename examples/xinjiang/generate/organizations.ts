/** Synthetic legal entities: enterprises (91/92/93), social organisations (51/52/53) and public institutions (12). */
import { USCC_CHARSET } from '../../../schemas/checksums.ts';
import { ageOn, toDay } from './dates.ts';
import { DIVISIONS, type Division } from './divisions.ts';
import { uscc } from './identifiers.ts';
import { addressIn, type Person } from './people.ts';
import { Rng, weightedPicker } from './random.ts';

/** One registered organisation. */
export interface Organization {
  readonly uscc: string;
  readonly name: string;
  /** 企业 / 个体工商户 / 农民专业合作社 / 社会团体 / 民办非企业单位 / 基金会 / 事业单位. */
  readonly type: string;
  readonly legalRepresentative: Person;
  readonly registeredDay: number;
  /** Registered capital in 万元 (10,000 yuan). */
  readonly capital: number;
  readonly status: '存续' | '注销';
  readonly address: string;
  readonly industry: string;
  readonly division: Division;
}

/** The organisations of the synthetic world. */
export interface Organizations {
  readonly enterprises: Organization[];
  readonly socialOrgs: Organization[];
  readonly institutions: Organization[];
}

const BRANDS = [
  '瑞丰',
  '天润',
  '金驼',
  '丝路',
  '雪莲',
  '昆仑',
  '博格达',
  '天池',
  '胡杨',
  '红柳',
  '西域',
  '新丝',
  '天马',
  '金穗',
  '丰源',
  '恒通',
  '鑫盛',
  '华信',
  '宏达',
  '德润',
  '驼铃',
  '沙漠',
  '绿洲',
  '冰川',
  '阳光',
  '祥和',
  '众鑫',
  '汇通',
];
const TRADES: readonly (readonly [string, string])[] = [
  ['商贸', '批发和零售业'],
  ['建筑工程', '建筑业'],
  ['农业科技', '农、林、牧、渔业'],
  ['餐饮管理', '住宿和餐饮业'],
  ['物流', '交通运输、仓储和邮政业'],
  ['信息技术', '信息传输、软件和信息技术服务业'],
  ['棉业', '制造业'],
  ['果业', '农、林、牧、渔业'],
  ['旅游开发', '租赁和商务服务业'],
  ['能源', '电力、热力、燃气及水生产和供应业'],
  ['房地产开发', '房地产业'],
  ['纺织', '制造业'],
];
const SHOPS: readonly (readonly [string, string])[] = [
  ['百货商店', '批发和零售业'],
  ['餐厅', '住宿和餐饮业'],
  ['汽车修理部', '居民服务、修理和其他服务业'],
  ['馕坑', '住宿和餐饮业'],
  ['干果店', '批发和零售业'],
  ['理发店', '居民服务、修理和其他服务业'],
];
const CROPS = ['棉花', '红枣', '葡萄', '核桃', '香梨', '苹果', '哈密瓜', '小麦', '肉羊', '奶牛'];
const SOCIAL_TYPES = [
  {
    category: '51',
    type: '社会团体',
    suffixes: ['商会', '个体劳动者协会', '慈善总会', '书法家协会', '足球协会', '养殖协会'],
  },
  {
    category: '52',
    type: '民办非企业单位',
    suffixes: ['民办幼儿园', '职业培训学校', '养老服务中心', '社会工作服务中心'],
  },
  { category: '53', type: '基金会', suffixes: ['教育基金会', '扶贫基金会', '助学基金会'] },
] as const;
const INSTITUTIONS = [
  '人民医院',
  '中医医院',
  '疾病预防控制中心',
  '图书馆',
  '第一中学',
  '第二中学',
  '实验小学',
  '广播电视台',
  '妇幼保健院',
  '文化馆',
];
const ORG_LETTERS = USCC_CHARSET;
/** Organisations registered from this date get new-style codes (`MA…`, `MJ…`, `MB…`). */
const NEW_STYLE_FROM = toDay(2015, 10, 1);

const pickDivision = weightedPicker(
  DIVISIONS,
  DIVISIONS.map((v) => v.weight),
);
const pickCapital = weightedPicker(
  [3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000],
  [3, 5, 10, 8, 6, 12, 14, 8, 6, 6, 4, 2, 1],
);

/** Generates organisations; legal representatives are adults drawn from `people`. */
export function generateOrganizations(
  people: readonly Person[],
  size: number,
  seed: number,
  asOfDay: number,
): Organizations {
  const rng = new Rng(seed, 'organizations');
  const used = new Set<string>();
  const adult = (): Person => {
    for (;;) {
      const p = people[rng.int(0, people.length - 1)]!;
      const age = ageOn(p.birthDay, asOfDay);
      if (age >= 22 && age <= 75) return p;
    }
  };
  const orgBody = (day: number, newPrefix: string): string => {
    if (day >= NEW_STYLE_FROM) {
      let s = newPrefix;
      while (s.length < 8) s += rng.pick([...ORG_LETTERS]);
      return s;
    }
    return String(rng.pick([2, 3, 5, 6, 7])) + rng.digits(7);
  };
  const make = (
    category: string,
    division: Division,
    day: number,
    newPrefix: string,
    rest: Omit<Organization, 'uscc' | 'division' | 'registeredDay' | 'legalRepresentative' | 'address'>,
  ): Organization => {
    let code = '';
    do code = uscc(category, division.code, orgBody(day, newPrefix));
    while (used.has(code));
    used.add(code);
    return {
      uscc: code,
      division,
      registeredDay: day,
      legalRepresentative: adult(),
      address: addressIn(rng, division),
      ...rest,
    };
  };
  const dayBetween = (fromYear: number): number => rng.int(toDay(fromYear, 1, 1), asOfDay - 1);

  const enterprises: Organization[] = [];
  const enterpriseCount = Math.max(20, Math.round(size / 20));
  for (let i = 0; i < enterpriseCount; i++) {
    const division = pickDivision(rng);
    const day = dayBetween(1995);
    const kind = rng.weightedIndex([70, 24, 6]);
    const brand = rng.pick(BRANDS);
    const status = rng.chance(0.12) ? '注销' : '存续';
    const place = `${division.prefecture.short}${division.name}`;
    if (kind === 0) {
      const [trade, industry] = rng.pick(TRADES);
      const suffix = rng.chance(0.2) ? '股份有限公司' : '有限公司';
      const capital = pickCapital(rng);
      enterprises.push(
        make('91', division, day, `MA7${rng.int(7, 9)}`, {
          name: `${place}${brand}${trade}${suffix}`,
          type: '企业',
          capital,
          status,
          industry,
        }),
      );
    } else if (kind === 1) {
      const [shop, industry] = rng.pick(SHOPS);
      enterprises.push(
        make('92', division, day, `L${rng.int(1, 9)}`, {
          name: `${division.name}${brand}${shop}`,
          type: '个体工商户',
          capital: rng.pick([1, 2, 3, 5, 10]),
          status,
          industry,
        }),
      );
    } else {
      const crop = rng.pick(CROPS);
      enterprises.push(
        make('93', division, day, `MA7${rng.int(7, 9)}`, {
          name: `${place}${brand}${crop}种植农民专业合作社`,
          type: '农民专业合作社',
          capital: rng.pick([10, 50, 100, 200]),
          status,
          industry: '农、林、牧、渔业',
        }),
      );
    }
  }

  const socialOrgs: Organization[] = [];
  for (let i = 0; i < Math.max(20, Math.round(size / 400)); i++) {
    const division = pickDivision(rng);
    const t = SOCIAL_TYPES[rng.weightedIndex([50, 40, 10])]!;
    socialOrgs.push(
      make(t.category, division, dayBetween(1998), 'MJ', {
        name: `${division.prefecture.short}${division.name}${rng.pick(BRANDS)}${rng.pick(t.suffixes)}`,
        type: t.type,
        capital: rng.pick([3, 10, 50, 200]),
        status: rng.chance(0.08) ? '注销' : '存续',
        industry: '社会组织',
      }),
    );
  }

  const institutions: Organization[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < Math.max(20, Math.round(size / 300)); i++) {
    const division = pickDivision(rng);
    let name = `${division.name}${rng.pick(INSTITUTIONS)}`;
    if (seen.has(name))
      name = `${division.prefecture.short}${division.name}第${i + 1}${rng.pick(['小学', '幼儿园', '卫生院'])}`;
    seen.add(name);
    institutions.push(
      make('12', division, dayBetween(1990), 'MB', {
        name,
        type: '事业单位',
        capital: rng.pick([10, 50, 100, 500, 1000]),
        status: '存续',
        industry: '公共管理、社会保障和社会组织',
      }),
    );
  }
  return { enterprises, socialOrgs, institutions };
}
