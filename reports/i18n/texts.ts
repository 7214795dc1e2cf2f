/**
 * Every label of the dashboard in Chinese and English, and number/date formatting for the locale. Dates are
 * shown in the node's time zone (Asia/Shanghai) whatever the machine's TZ, so a build is reproducible.
 */
import type { Labels } from '../../schemas/index.ts';
import { MESSAGES, type MessageKey } from './messages.ts';
import { PROBLEM_LABELS, REASON_LABELS, WORD_LABELS } from './words.ts';

/** Languages of the dashboard. */
export const REPORT_LANGS = ['zh-CN', 'en'] as const;
/** A dashboard language. */
export type ReportLang = (typeof REPORT_LANGS)[number];

/** The time zone dates are shown in. */
export const REPORT_TIME_ZONE = 'Asia/Shanghai';

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
