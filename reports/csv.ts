/**
 * rules.csv: every rule result, one row each, for spreadsheets. UTF-8 with a byte-order mark (so Excel on a
 * Chinese Windows reads it as UTF-8), RFC 4180 quoting, and text cells that a spreadsheet would take for a
 * formula (= + - @) prefixed with an apostrophe.
 */
import type { DashboardModel } from './model.ts';

/** The columns of rules.csv. */
export const RULES_CSV_COLUMNS = [
  'dataset',
  'title',
  'department',
  'rule_id',
  'check',
  'dimension',
  'severity',
  'origin',
  'column',
  'status',
  'total',
  'failed',
  'pass_rate',
  'mostly',
  'deduction',
  'weight',
  'observed',
  'error',
  'description',
  'description_zh',
] as const;

function text(v: string | null | undefined): string {
  if (v === null || v === undefined) return '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const num = (v: number | null): string => (v === null ? '' : String(v));

/** Renders rules.csv. */
export function renderRulesCsv(model: DashboardModel): string {
  const lines: string[] = [RULES_CSV_COLUMNS.join(',')];
  for (const d of model.quality.datasets) {
    for (const r of d.rules) {
      lines.push(
        [
          text(d.dataset),
          text(d.title),
          text(d.department?.name),
          text(r.id),
          text(r.check),
          r.dimension,
          r.severity,
          r.origin,
          text(r.column),
          r.status,
          num(r.total),
          num(r.failed),
          num(r.passRate),
          num(r.mostly),
          num(r.deduction),
          num(r.weight),
          text(r.observed),
          text(r.error),
          text(r.description),
          text(r.descriptions.zh),
        ].join(','),
      );
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
