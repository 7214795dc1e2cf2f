/** Words the dashboard shows for machine values: catalog problems, statuses and modes, quarantine reasons. */

/** Labels of the problems the dashboard flags on catalog entries. */
export const PROBLEM_LABELS = {
  overdue: { zh: '逾期未更新', en: 'overdue for update' },
  'never-loaded': { zh: '从未加载', en: 'never loaded' },
  'share-condition-missing': { zh: '缺少共享条件', en: 'share condition missing' },
  'legal-basis-missing': { zh: '缺少法律法规依据', en: 'legal basis missing' },
  'open-condition-missing': { zh: '缺少开放条件', en: 'open condition missing' },
  'review-overdue': { zh: '定期评估逾期', en: 'periodic review overdue' },
} as const;

/** Labels of run, rule and load statuses and schema-change words. */
export const WORD_LABELS: Record<string, { zh: string; en: string }> = {
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
};

/** Quarantine reasons (loader codes) in words; unknown reasons are shown as they are. */
export const REASON_LABELS: Record<string, { zh: string; en: string }> = {
  'key:missing': { zh: '主键缺失', en: 'key missing' },
  'key:format': { zh: '主键格式错误', en: 'key format' },
  'key:checksum': { zh: '主键校验码错误', en: 'key check character' },
  'key:birth-date': { zh: '出生日期无效', en: 'birth date invalid' },
  'key:division': { zh: '行政区划代码无效', en: 'division code invalid' },
  'field-count': { zh: '字段数不符', en: 'field count' },
};
