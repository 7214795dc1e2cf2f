/**
 * The texts of the dashboard in one language, from its message catalog (`reports/messages/zh-CN.ts`, `en.ts`;
 * rule descriptions and findings come in both languages in the report, from the quality engine's catalogs), and
 * number/date formatting for the locale. Dates are shown in the node's time zone (Asia/Shanghai) whatever the
 * machine's TZ, so a build is reproducible.
 */
import type { Labels, QualityFinding, QualityRuleResult } from '../../schemas/index.ts';
import { EN } from '../messages/en.ts';
import { type DashboardMessages, ZH_CN } from '../messages/zh-CN.ts';

/** Languages of the dashboard. */
export const REPORT_LANGS = ['zh-CN', 'en'] as const;
/** A dashboard language. */
export type ReportLang = (typeof REPORT_LANGS)[number];

/** The time zone dates are shown in. */
export const REPORT_TIME_ZONE = 'Asia/Shanghai';

const CATALOGS: Readonly<Record<ReportLang, DashboardMessages>> = { 'zh-CN': ZH_CN, en: EN };

/** A message key. */
export type MessageKey = keyof DashboardMessages['messages'];
/** A catalog problem key. */
type ProblemKey = keyof DashboardMessages['problems'];

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
  problem(value: ProblemKey): string;
  /** A rule's description in this language. */
  rule(r: Pick<QualityRuleResult, 'description' | 'descriptions'>): string;
  /** A rule's observed value in this language. */
  observed(r: Pick<QualityRuleResult, 'observed' | 'observedTexts'>): string | null;
  /** A finding in this language. */
  finding(f: Pick<QualityFinding, 'message' | 'messages'>): string;
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
  const m = CATALOGS[lang];
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
      let s: string = m.messages[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    label(labels, value) {
      const l = (labels as Record<string, { zh: string; en: string }>)[value];
      return l ? l[short] : value;
    },
    word: (value) => (m.words as Record<string, string>)[value] ?? value,
    reason(value) {
      const l = (m.reasons as Record<string, string>)[value];
      if (l) return `${l} (${value})`;
      for (const [prefix, label] of Object.entries(m.reasonPrefixes)) {
        if (value.startsWith(prefix)) return `${label} (${value})`;
      }
      return value;
    },
    problem: (value) => m.problems[value],
    rule: (r) => r.descriptions[short],
    observed: (r) => r.observedTexts?.[short] ?? r.observed,
    finding: (f) => f.messages[short],
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

// Made once: a DateTimeFormat costs far more to make than to use (a paged dashboard formats thousands of times).
const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: REPORT_TIME_ZONE });
const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: REPORT_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The calendar day (YYYY-MM-DD) of an ISO time in Asia/Shanghai. */
export function dayIn(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  return DAY_FORMAT.format(d);
}

/** The time of day (HH:mm) of an ISO time in Asia/Shanghai. */
function timeIn(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return TIME_FORMAT.format(d);
}
