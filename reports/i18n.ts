/**
 * Every label of the dashboard in Chinese and English, and number/date formatting for the locale. Dates are
 * shown in the node's time zone (Asia/Shanghai) whatever the machine's TZ, so a build is reproducible.
 */
import type { Labels } from '../schemas/index.ts';

/** Languages of the dashboard. */
export const REPORT_LANGS = ['zh-CN', 'en'] as const;
/** A dashboard language. */
export type ReportLang = (typeof REPORT_LANGS)[number];

/** The time zone dates are shown in. */
export const REPORT_TIME_ZONE = 'Asia/Shanghai';

const MESSAGES = {
  title: ['数据质量报告', 'Data quality report'],
  overview: ['概览', 'Overview'],
  datasets: ['数据集', 'Datasets'],
  dataset: ['数据集', 'Dataset'],
  foundations: ['基础库', 'Foundations'],
  hierarchy: ['层级', 'Hierarchy'],
  catalog: ['目录', 'Catalog'],
  nodeScore: ['节点综合得分', 'Node score'],
  score: ['得分', 'Score'],
  status: ['状态', 'Status'],
  pass: ['通过', 'pass'],
  fail: ['未通过', 'fail'],
  error: ['计算出错', 'error'],
  notApplicable: ['不适用', 'not applicable'],
  notAssessed: ['未评估', 'not assessed'],
  dimensions: ['质量维度', 'Quality dimensions'],
  dimension: ['维度', 'Dimension'],
  rules: ['规则', 'Rules'],
  rule: ['规则', 'Rule'],
  failedRules: ['未通过规则', 'Failed rules'],
  rows: ['记录数', 'Rows'],
  quarantined: ['隔离记录', 'Quarantined rows'],
  departments: ['部门', 'Departments'],
  department: ['部门', 'Department'],
  departmentRanking: ['部门排名', 'Department ranking'],
  rank: ['排名', 'Rank'],
  trend: ['趋势', 'Trend'],
  scoreTrend: ['得分趋势', 'Score trend'],
  attention: ['需要关注的数据集', 'Datasets needing attention'],
  allDatasets: ['全部数据集', 'All datasets'],
  findings: ['异常发现', 'Findings'],
  noFindings: ['本次运行无异常发现。', 'No findings in this run.'],
  run: ['运行', 'Run'],
  runId: ['运行编号', 'Run id'],
  generatedAt: ['评估时间', 'Assessed at'],
  asOf: ['基准日期', 'Reference date'],
  builtAt: ['报告生成时间', 'Report built at'],
  queries: ['查询次数', 'Queries'],
  severity: ['级别', 'Severity'],
  column: ['字段', 'Column'],
  total: ['检查数', 'Checked'],
  failed: ['不合格', 'Failed'],
  passRate: ['合格率', 'Pass rate'],
  threshold: ['阈值', 'Threshold'],
  description: ['说明', 'Description'],
  samples: ['不合格样例（已脱敏）', 'Failed-row samples (masked)'],
  samplesUnmasked: ['不合格样例', 'Failed-row samples'],
  key: ['主键', 'Key'],
  source: ['来源', 'Source'],
  value: ['值', 'Value'],
  sql: ['复现查询', 'Reproducing SQL'],
  observed: ['观测值', 'Observed'],
  ruleDetails: ['未通过规则详情', 'Failing rules in detail'],
  quarantine: ['隔离区（按原因）', 'Quarantine by reason'],
  reason: ['原因', 'Reason'],
  count: ['数量', 'Count'],
  locations: ['来源位置', 'Source locations'],
  drift: ['结构变更', 'Schema drift'],
  noDrift: ['未记录结构变更。', 'No schema changes recorded.'],
  change: ['变更', 'Change'],
  oldType: ['原类型', 'Old type'],
  newType: ['新类型', 'New type'],
  action: ['处理', 'Action'],
  loads: ['加载历史', 'Load history'],
  noLoads: ['无加载记录。', 'No loads recorded.'],
  loadId: ['加载编号', 'Load id'],
  startedAt: ['开始时间', 'Started'],
  connector: ['连接器', 'Connector'],
  writeMode: ['写入方式', 'Write mode'],
  rowsRead: ['读取', 'Read'],
  rowsLoaded: ['入库', 'Loaded'],
  noQuarantine: ['本次评估的加载无隔离记录。', 'No rows were quarantined by the assessed loads.'],
  table: ['表', 'Table'],
  keyColumn: ['主键字段', 'Key column'],
  page: ['页', 'Page'],
  previous: ['上一页', 'Previous'],
  next: ['下一页', 'Next'],
  rulesOnPage: ['本页规则', 'Rules on this page'],
  notConfigured: ['未配置', 'Not configured'],
  foundationsNotConfigured: [
    '本节点尚未配置基础库构建，暂无字段来源、冲突与重复采集数据。',
    'Foundation builds are not configured on this node: there are no field sources, conflicts or duplicate collection to show.',
  ],
  hierarchyNotConfigured: [
    '本节点尚未配置上下级平台（推送与回流）。',
    'The platform hierarchy (pushes and backflow) is not configured on this node.',
  ],
  catalogNotConfigured: ['仓库中没有目录条目。', 'The warehouse holds no catalog entries.'],
  sourcesPerField: ['字段权威来源', 'Authoritative source per field'],
  foundation: ['基础库', 'Foundation'],
  field: ['字段', 'Field'],
  conflicts: ['冲突（按字段和部门）', 'Conflicts by field and department'],
  noConflicts: ['无冲突记录。', 'No conflicts recorded.'],
  duplicates: ['重复采集', 'Duplicate collection'],
  noDuplicates: ['未发现重复采集。', 'No duplicate collection found.'],
  authoritative: ['权威来源', 'Authoritative source'],
  pushes: ['下级推送', 'Pushes from child nodes'],
  noPushes: ['无推送记录。', 'No pushes recorded.'],
  backflow: ['回流服务', 'Backflow served'],
  noBackflow: ['无回流记录。', 'No backflow served.'],
  node: ['节点', 'Node'],
  batches: ['批次', 'Batches'],
  requests: ['请求数', 'Requests'],
  lastAt: ['最近时间', 'Latest'],
  resourceCode: ['资源代码', 'Resource code'],
  resourceName: ['资源名称', 'Resource name'],
  provider: ['提供方', 'Provider'],
  kind: ['分类', 'Class'],
  shareType: ['共享类型', 'Share type'],
  openType: ['开放类型', 'Open type'],
  updateCycle: ['更新周期', 'Update cycle'],
  publishedAt: ['发布日期', 'Published'],
  securityGrade: ['数据级别', 'Security grade'],
  personalInfo: ['个人信息', 'Personal information'],
  lastLoad: ['最近加载', 'Last load'],
  ageDays: ['距今天数', 'Age (days)'],
  problems: ['问题', 'Problems'],
  catalogProblems: ['逾期未更新或缺少依据的条目', 'Entries overdue for update or lacking a required basis'],
  noCatalogProblems: [
    '所有条目均按期更新且依据齐全。',
    'Every entry is up to date and has its required basis.',
  ],
  entries: ['目录条目', 'Catalog entries'],
  shareSummary: ['共享与开放', 'Sharing and opening'],
  formula: ['计分公式', 'Scoring formula'],
  notes: ['说明', 'Notes'],
  offline: [
    '本报告为离线静态页面，不访问任何网络资源。',
    'This report is a static offline page; it loads nothing from the network.',
  ],
  reportFiles: ['机器可读文件', 'Machine-readable files'],
  radarFallback: ['维度少于三个，以条形图显示。', 'Fewer than three dimensions: shown as bars.'],
  none: ['无', 'none'],
  yes: ['是', 'yes'],
  no: ['否', 'no'],
  rowsMasked: ['样例已按目录脱敏。', 'Samples are masked per the catalog.'],
  rowsUnmaskedNotice: [
    '评估时关闭了脱敏；本报告中的主键仍按主键类型脱敏。',
    'The run disabled masking; keys in this report are still masked by key kind.',
  ],
  failedErrorRules: ['未通过的错误级规则', 'Failed error-severity rules'],
  datasetsCount: ['数据集数', 'Datasets'],
  rulesCount: ['规则数', 'Rules'],
  fallbackNote: ['组合扫描失败后逐条执行', 'ran rule by rule after the combined scan failed'],
  more: ['另有 {n} 项', '{n} more'],
  rulesFailed: ['{failed} / {total} 条规则未通过', '{failed} of {total} rules failed'],
  failedOf: ['{failed} / {total} 不合格', '{failed} of {total} failed'],
  sharing: ['共享', 'Sharing'],
  sharingNotConfigured: [
    '本节点尚无共享申请、目录变更与使用登记。',
    'No sharing requests, catalog changes or usage entries on this node yet.',
  ],
  shareRequests: ['共享申请', 'Sharing requests'],
  requestId: ['申请编号', 'Request'],
  requester: ['申请方', 'Requester'],
  emergency: ['紧急', 'Emergency'],
  dueAt: ['办理时限', 'Due'],
  overdueFlag: ['逾期', 'Overdue'],
  noRequests: ['暂无共享申请。', 'No sharing requests.'],
  catalogChanges: ['目录更新与复核', 'Catalog changes and reviews due'],
  dueDate: ['到期日', 'Due date'],
  noCatalogChanges: ['目录无到期事项。', 'Nothing is due in the catalog.'],
  usage: ['使用登记（按部门）', 'Usage by department'],
  usageEntries: ['条数', 'Entries'],
  noUsage: ['暂无使用登记。', 'No usage entries.'],
  grant: ['授权', 'Grant'],
  computedAt: ['统计时点', 'As of'],
  sharingIntro: [
    '共享申请按《公共数据管理办法》第二十一条计算办理时限（工作日，紧急申请按小时），逾期标红，紧急申请置顶；目录变更须在法律法规或职能变化后 15 个工作日内发布（第十一条）。',
    'Deadlines follow article 21 (working days; emergency requests in hours); overdue items are flagged and emergency requests listed first. Catalog changes are due 15 working days after a law or duty change (article 11).',
  ],
} as const satisfies Record<string, readonly [string, string]>;

/** A message key. */
export type MessageKey = keyof typeof MESSAGES;

const PROBLEM_LABELS = {
  overdue: { zh: '逾期未更新', en: 'overdue for update' },
  'never-loaded': { zh: '从未加载', en: 'never loaded' },
  'share-condition-missing': { zh: '缺少共享条件', en: 'share condition missing' },
  'legal-basis-missing': { zh: '缺少法律法规依据', en: 'legal basis missing' },
  'open-condition-missing': { zh: '缺少开放条件', en: 'open condition missing' },
  'review-overdue': { zh: '定期评估逾期', en: 'periodic review overdue' },
  'update-overdue': { zh: '目录变更逾期', en: 'catalog change overdue' },
  'not-catalogued': { zh: '未编入目录', en: 'not catalogued' },
  unpublished: { zh: '未发布', en: 'not published' },
} as const;

/** Labels of run, rule and load statuses and schema-change words. */
const WORD_LABELS: Record<string, { zh: string; en: string }> = {
  pass: { zh: '通过', en: 'pass' },
  fail: { zh: '未通过', en: 'fail' },
  error: { zh: '计算出错', en: 'error' },
  'not-applicable': { zh: '不适用', en: 'not applicable' },
  committed: { zh: '已提交', en: 'committed' },
  succeeded: { zh: '成功', en: 'succeeded' },
  failed: { zh: '失败', en: 'failed' },
  running: { zh: '运行中', en: 'running' },
  acknowledged: { zh: '已确认', en: 'acknowledged' },
  pending: { zh: '待确认', en: 'pending' },
  rejected: { zh: '已拒绝', en: 'rejected' },
  added: { zh: '新增', en: 'added' },
  removed: { zh: '删除', en: 'removed' },
  retyped: { zh: '类型变更', en: 'retyped' },
  'added-column': { zh: '已新增列', en: 'column added' },
  'null-filled': { zh: '以空值填充', en: 'filled with nulls' },
  cast: { zh: '类型转换', en: 'cast' },
  replaced: { zh: '已替换', en: 'replaced' },
  'quarantined-rows': { zh: '整行隔离', en: 'rows quarantined' },
  'discarded-values': { zh: '丢弃值', en: 'values discarded' },
  append: { zh: '追加', en: 'append' },
  replace: { zh: '替换', en: 'replace' },
  merge: { zh: '合并', en: 'merge' },
  builtin: { zh: '内置', en: 'built in' },
  default: { zh: '默认', en: 'default' },
  declared: { zh: '声明', en: 'declared' },
  submitted: { zh: '待符合性审核', en: 'awaiting review' },
  'provider-review': { zh: '提供方审核中', en: 'with the provider' },
  negotiation: { zh: '协商中', en: 'in negotiation' },
  granted: { zh: '已授权', en: 'granted' },
  fulfilled: { zh: '已提供', en: 'fulfilled' },
  refused: { zh: '不予共享', en: 'refused' },
  withdrawn: { zh: '已撤回', en: 'withdrawn' },
  expired: { zh: '授权已过期', en: 'grant expired' },
  ingest: { zh: '数据归集', en: 'ingest' },
  export: { zh: '文件共享', en: 'file export' },
  'sql-read': { zh: '查询使用', en: 'SQL read' },
  'backflow-served': { zh: '回流提供', en: 'backflow served' },
  'backflow-received': { zh: '回流获取', en: 'backflow received' },
  destruction: { zh: '销毁', en: 'destruction' },
  earthquake: { zh: '地震', en: 'earthquake' },
  flood: { zh: '洪涝', en: 'flood' },
  fire: { zh: '火灾', en: 'fire' },
  'agricultural-disaster': { zh: '农业灾害', en: 'agricultural disaster' },
  'public-health': { zh: '公共卫生', en: 'public health' },
  accident: { zh: '事故灾难', en: 'accident' },
};

/** Quarantine reasons (loader codes) in words; unknown reasons are shown as they are. */
const REASON_LABELS: Record<string, { zh: string; en: string }> = {
  'key:missing': { zh: '主键缺失', en: 'key missing' },
  'key:format': { zh: '主键格式错误', en: 'key format' },
  'key:checksum': { zh: '主键校验码错误', en: 'key check character' },
  'key:birth-date': { zh: '出生日期无效', en: 'birth date invalid' },
  'key:division': { zh: '行政区划代码无效', en: 'division code invalid' },
  'field-count': { zh: '字段数不符', en: 'field count' },
};

/** The texts and formatters of one language. */
export interface Texts {
  readonly lang: ReportLang;
  /** `zh` or `en`, the key into label tables. */
  readonly short: 'zh' | 'en';
  /** The label of a message, with `{name}` placeholders filled. */
  t(key: MessageKey, vars?: Readonly<Record<string, string | number>>): string;
  /** The label of an enum value from a label table (the raw value when unknown). */
  label<T extends string>(labels: Labels<T>, value: string): string;
  /** A status, load, drift or origin word. */
  word(value: string): string;
  /** A quarantine reason, with the code kept: `主键缺失 (key:missing)`. */
  reason(value: string): string;
  /** A catalog problem. */
  problem(value: keyof typeof PROBLEM_LABELS): string;
  /** An integer with grouping: 185,002. */
  int(n: number | null | undefined): string;
  /** A score 0–100 with two decimals, or "—". */
  score(n: number | null | undefined): string;
  /** A rate 0–1 as a percentage; never rounds a failing rate up to 100%. */
  pct(rate: number | null | undefined): string;
  /** Date and time in Asia/Shanghai. */
  dateTime(iso: string | null | undefined): string;
  /** A date (YYYY-MM-DD or ISO) in the locale. */
  date(isoDate: string | null | undefined): string;
  /** A short date for chart axes: 11-29. */
  shortDate(iso: string): string;
  /** Axis labels of points in time: 11-29, or 11-29 22:12 when two fall on one day. */
  axisLabels(isos: readonly string[]): string[];
}

const DASH = '—';

/** The texts of a language. */
export function texts(lang: ReportLang): Texts {
  const i = lang === 'en' ? 1 : 0;
  const short = lang === 'en' ? 'en' : 'zh';
  const locale = lang === 'en' ? 'en-GB' : 'zh-CN';
  const intFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const scoreFmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pctFmt = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const dtFmt = new Intl.DateTimeFormat(locale, {
    timeZone: REPORT_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const dFmt = new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
  const toDate = (iso: string): Date | null => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  return {
    lang,
    short,
    t(key, vars) {
      let s: string = MESSAGES[key][i];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    label(labels, value) {
      const l = (labels as Record<string, { zh: string; en: string }>)[value];
      return l ? l[short] : value;
    },
    word: (value) => WORD_LABELS[value]?.[short] ?? value,
    reason(value) {
      const l = REASON_LABELS[value];
      if (l) return `${l[short]} (${value})`;
      if (value.startsWith('type:')) return `${short === 'zh' ? '类型不符' : 'type mismatch'} (${value})`;
      return value;
    },
    problem: (value) => PROBLEM_LABELS[value][short],
    int: (n) => (n === null || n === undefined ? DASH : intFmt.format(n)),
    score: (n) => (n === null || n === undefined ? DASH : scoreFmt.format(n)),
    pct(rate) {
      if (rate === null || rate === undefined) return DASH;
      const s = pctFmt.format(rate);
      if (rate < 1 && s === pctFmt.format(1)) return `>${pctFmt.format(0.9999)}`.replace('>', '> ');
      return s;
    },
    dateTime(iso) {
      if (!iso) return DASH;
      const d = toDate(iso);
      return d ? dtFmt.format(d) : iso;
    },
    date(iso) {
      if (!iso) return DASH;
      const d = toDate(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
      if (!d) return iso;
      // A full timestamp is first moved to the report time zone's calendar day.
      const day = iso.length === 10 ? d : new Date(`${dayIn(iso)}T00:00:00Z`);
      return dFmt.format(day);
    },
    shortDate(iso) {
      const day = iso.length === 10 ? iso : dayIn(iso);
      return day.slice(5);
    },
    axisLabels(isos) {
      const days = isos.map((x) => (x.length === 10 ? x : dayIn(x)).slice(5));
      if (new Set(days).size === days.length) return days;
      return isos.map((x, i) => (x.length === 10 ? days[i]! : `${days[i]} ${timeIn(x)}`));
    },
  };
}

/** The calendar day (YYYY-MM-DD) of an ISO time in Asia/Shanghai. */
export function dayIn(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  return new Intl.DateTimeFormat('en-CA', { timeZone: REPORT_TIME_ZONE }).format(d);
}

/** The time of day (HH:mm) of an ISO time in Asia/Shanghai. */
function timeIn(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: REPORT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
}
