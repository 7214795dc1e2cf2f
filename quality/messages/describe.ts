/** The catalogs by language, and the description of a rule in both languages. */
import type { CheckName } from '../checks/registry.ts';
import type { Bilingual, QualityMessages } from './catalog.ts';
import { EN } from './en.ts';
import { ZH_CN } from './zh-CN.ts';

/** The quality engine's message catalog of each language. */
export const QUALITY_MESSAGES: Readonly<Record<'zh-CN' | 'en', QualityMessages>> = Object.freeze({
  'zh-CN': ZH_CN,
  en: EN,
});

/** A rule as its description needs it: its check kind, column and arguments. */
interface Describable {
  readonly check: string;
  readonly column: string | null;
  readonly args: unknown;
}

/** The description of a rule in one language, from that language's catalog. */
function describeIn(messages: QualityMessages, rule: Describable): string {
  const check = messages.checks[rule.check as CheckName];
  if (!check) return rule.check;
  // Each entry takes the rule of its own check; `rule.check` selects it, which the types cannot follow.
  return (check.rule as (r: Describable) => string)(rule);
}

/**
 * The description of a rule in Chinese and English. With `title`, the Chinese text names the rule's column by its
 * catalog title (公民身份号码 rather than id_number), as a bureau reads it; the English keeps the column name.
 */
export function describeRule(rule: Describable, title?: (column: string) => string | null): Bilingual {
  const shown = rule.column ? title?.(rule.column) : null;
  return {
    zh: describeIn(ZH_CN, shown ? { ...rule, column: `“${shown}”` } : rule),
    en: describeIn(EN, rule),
  };
}

/** A text in both languages, written by the same entry of each catalog. */
export function bilingual(write: (m: QualityMessages) => string): Bilingual {
  return { zh: write(ZH_CN), en: write(EN) };
}
