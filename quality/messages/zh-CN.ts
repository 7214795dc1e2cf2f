/** The quality engine's texts in Chinese (zh-CN): what the dashboard shows on its Chinese pages. */
import { UPDATE_CYCLE_LABELS, UPDATE_CYCLE_MAX_AGE_DAYS } from '../../schemas/index.ts';
import type { AnomalyWords, QualityMessages } from './catalog.ts';

const COMPARE_AS = {
  text: '',
  sex: '（按性别代码比较）',
  date: '（按日期比较）',
  number: '（按数值比较）',
} as const;
const onlyRows = (dataset: string, where: string | undefined) =>
  where ? `（限 ${dataset} 中满足 ${where} 的记录）` : '';
const rate = (a: AnomalyWords, x: number) => (a.kind === 'rate' ? `${(x * 100).toFixed(2)}%` : x.toFixed(0));

const CODE_TABLES = {
  sex: 'GB/T 2261.1 性别代码表',
  marital: 'GB/T 2261.2 婚姻状况代码表',
  ethnicity: 'GB 3304 民族代码表',
  division: 'GB/T 2260 行政区划代码表',
} as const;

const TYPES = {
  date: '日期',
  timestamp: '日期时间',
  integer: '整数',
  decimal: '数值',
  boolean: '布尔值',
} as const;

const PERIODS = { day: '日', week: '周', month: '月', quarter: '季度', year: '年' } as const;

const LEVELS = { province: '省级', prefecture: '地级', county: '县级' } as const;

const UNITS: Readonly<Record<string, string>> = {
  day: '天',
  days: '天',
  week: '周',
  weeks: '周',
  month: '个月',
  months: '个月',
  year: '年',
  years: '年',
};

/** "3 years" → "3 年". */
const interval = (s: string) =>
  s.replace(/^(\d+) (\w+)$/, (_, n: string, u: string) => `${n} ${UNITS[u] ?? u}`);

/** 中文. */
export const ZH_CN: QualityMessages = {
  lang: 'zh-CN',
  checks: {
    'not-null': {
      summary: '字段有值：非空、非空白，且不是约定表示“无”的文本',
      rule: (r) =>
        `${r.column} 已填写${r.args.blankValues.length ? `（“${r.args.blankValues.join('”“')}”视为未填写）` : ''}`,
    },
    'record-count': {
      summary: '记录数不少于预期：固定数量、参照数据集的记录数或上一次加载的记录数',
      rule: (r) => {
        const a = r.args;
        const what =
          'expected' in a
            ? ` ${a.expected} 条`
            : 'dataset' in a
              ? `数据集 ${a.dataset}${a.where ? `（条件 ${a.where}）` : ''}的记录数`
              : '上一次加载的记录数';
        return `记录数不少于${what}${a.tolerance ? `（允许差 ${a.tolerance * 100}%）` : ''}`;
      },
    },
    'key-complete': {
      summary: '每条读入的记录都有主键；因缺少主键被隔离的记录计为不合格',
      rule: (r) =>
        r.args.built
          ? `每条记录的主键 ${r.column} 都有值`
          : `每条记录都有主键 ${r.column}（统计表中记录与当前隔离记录；因缺少主键被隔离的记录计为不合格）`,
    },
    matches: {
      summary: '值整体符合正则表达式（RE2 语法）',
      rule: (r) => `${r.column} 整体符合正则表达式 /${r.args.pattern}/`,
    },
    length: {
      summary: '值的字符数在最小值与最大值之间',
      rule: (r) => `${r.column} 的长度为 ${r.args.min ?? 0}–${r.args.max ?? '∞'} 个字符`,
    },
    between: {
      summary: '值（数值或日期）在最小值与最大值之间；无法转换的值不合格',
      rule: (r) => `${r.column} 介于 ${r.args.min ?? '−∞'} 与 ${r.args.max ?? '∞'} 之间`,
    },
    'in-set': {
      summary: '值属于给定的取值列表',
      rule: (r) =>
        `${r.column} 取值属于 ${r.args.values.slice(0, 8).join('、')}${r.args.values.length > 8 ? '…' : ''}`,
    },
    'code-table': {
      summary: '值是国家标准代码表（性别、婚姻状况、民族、行政区划）中的代码或名称',
      rule: (r) => `${r.column} 是${CODE_TABLES[r.args.table]}中的代码或名称`,
    },
    parses: {
      summary:
        '值可解析为指定类型（日期、日期时间、整数、数值、布尔）；加载时未能解析而被隔离的记录计为不合格',
      rule: (r) =>
        `${r.column} 是有效的${TYPES[r.args.type]}${r.args.type === 'date' ? '（可写作 2026-01-02、20260102、2026年1月2日等）' : ''}`,
    },
    'citizen-id': {
      summary: '值是有效的公民身份号码（GB 11643：格式、校验码、出生日期、行政区划）',
      rule: (r) => `${r.column} 是有效的公民身份号码（GB 11643：格式、校验码、出生日期、行政区划）`,
    },
    uscc: {
      summary: '值是有效的统一社会信用代码（GB 32100：格式、校验码）',
      rule: (r) => `${r.column} 是有效的统一社会信用代码（GB 32100：格式、校验码）`,
    },
    sql: {
      summary: '自定义 SQL 条件：结果为真的记录合格，为假或空的记录不合格',
      rule: (r) => `自定义 SQL 条件：${r.args.sql}`,
    },
    'key-valid': {
      summary: '每个主键都有效；因主键无效被隔离的记录计为不合格',
      rule: (r) => {
        const what = r.args.kind === 'uscc' ? '统一社会信用代码（GB 32100）' : '公民身份号码（GB 11643）';
        return r.args.built
          ? `主键 ${r.column} 都是有效的${what}`
          : `主键 ${r.column} 都是有效的${what}（统计表中记录与当前隔离记录；主键无效的记录计为不合格）`;
      },
    },
    freshness: {
      summary: '每条记录的日期足够新：不早于基准日期前的指定时长（自然日或工作日）',
      rule: (r) => {
        const a = r.args;
        const age =
          a.maxAge !== undefined
            ? interval(a.maxAge)
            : a.workingDays !== undefined
              ? `${a.workingDays} 个工作日`
              : `${a.maxAgeDays} 天`;
        return `${r.column} 距基准日期不超过 ${age}`;
      },
    },
    'dataset-freshness': {
      summary: '数据集最近一次加载不超过更新周期（或指定天数、工作日）',
      rule: (r) => {
        const a = r.args;
        const limit =
          'cycle' in a
            ? `${UPDATE_CYCLE_MAX_AGE_DAYS[a.cycle]} 天（更新周期：${UPDATE_CYCLE_LABELS[a.cycle].zh}）`
            : 'maxAgeDays' in a
              ? `${a.maxAgeDays} 天`
              : `${a.workingDays} 个工作日`;
        return `最近一次加载距今不超过 ${limit}`;
      },
    },
    lag: {
      summary: '业务发生日期到入库的间隔不超过指定天数',
      rule: (r) => `${r.column} 所记事项发生后 ${r.args.maxDays} 天内入库`,
    },
    periods: {
      summary: '每个应有的周期（日、周、月、季、年）都有数据，没有断档',
      rule: (r) =>
        `${r.column} 每${PERIODS[r.args.every]}都有数据${
          r.args.from || r.args.to ? `（${r.args.from ?? '最早'} 至 ${r.args.to ?? '最近'}）` : ''
        }`,
    },
    'agrees-with-key': {
      summary: '字段与公民身份号码主键所含信息一致（出生日期、性别或行政区划）',
      rule: (r) => {
        const what =
          r.args.part === 'division'
            ? `行政区划代码的${LEVELS[r.args.level]}部分`
            : r.args.part === 'sex'
              ? '性别'
              : '出生日期';
        return `${r.column} 与公民身份号码主键中的${what}一致`;
      },
    },
    unique: {
      summary: '没有两条记录的值（或值的组合）相同；重复出现的记录计为不合格',
      rule: (r) =>
        r.args.columns.length > 1
          ? `${r.args.columns.join(' + ')} 的组合不重复`
          : `${r.args.columns[0]} 的值不重复`,
    },
    'key-unique': {
      summary: '没有两条已加载的记录主键相同；后出现的重复记录计为不合格',
      rule: (r) => `已加载的记录中主键 ${r.column} 不重复（后出现的重复记录计为不合格）`,
    },
    references: {
      summary: '参照完整性：每个非空值都能在另一个数据集的指定字段中找到',
      rule: (r) => `${r.column} 的每个值都能在 ${r.args.target.dataset}.${r.args.target.column} 中找到`,
    },
    'same-as': {
      summary: '同一主体的同一字段在不同部门的数据集中一致（按主键关联比较）',
      rule: (r) =>
        `${r.column} 与 ${r.args.dataset}.${r.args.column ?? r.column} 中同一主键的值相同${onlyRows(r.args.dataset, r.args.where)}${COMPARE_AS[r.args.compareAs]}`,
    },
    'foundation-conflicts': {
      summary: '基础库字段与其他持有该字段的部门一致：构建时记录了冲突的主键计为不合格',
      rule: (r) => `其他部门持有的 ${r.column} 与权威来源一致（以基础库构建时记录的冲突为准）`,
    },
    'matches-source': {
      summary: '值与权威来源（或参照数据）按主键比对一致；合格率为一致数 ÷ 比对数',
      rule: (r) =>
        `${r.column} 与权威来源 ${r.args.dataset}.${r.args.column ?? r.column} 按主键比对一致${onlyRows(r.args.dataset, r.args.where)}${COMPARE_AS[r.args.compareAs]}`,
    },
  },
  anomaly: (a) =>
    `${a.dataset} ${a.rule === null ? '记录数' : `规则 ${a.rule} 的合格率`}为 ${rate(a, a.value)}，` +
    `偏离预期 ${rate(a, a.expected)} ± ${rate(a, a.sd)}（z = ${a.z.toFixed(2)}，依据此前 ${a.history} 次运行，按月季节调整 ${rate(a, a.seasonalOffset)}）`,
  fallback: (dataset, error) => `${dataset}：组合扫描失败（${error}），已逐条执行规则`,
  observed: {
    neverLoaded: '从未加载',
    loadAge: (day, age, allowed, working) =>
      `最近一次加载 ${day}：距今 ${age} ${working ? '个工作日' : '天'}（允许 ${allowed}）`,
    rows: (actual, expected) => `${actual} 条记录，预期 ${expected} 条`,
    noPreviousLoad: '没有可比较的上一次加载',
    missingPeriods: (every, periods) => `缺少数据的${PERIODS[every]}：${periods}`,
  },
};
