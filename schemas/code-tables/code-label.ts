/** A code with its Chinese and English label, and the label lookup every code table uses. */

/** Label language of the code tables. */
export type Lang = 'zh' | 'en';

/** A code with its Chinese and English label. */
export interface CodeLabel<C extends string = string> {
  readonly code: C;
  readonly name_zh: string;
  readonly name_en: string;
}

/** The label of `code` in `table` in `lang`; null when the code is unknown. */
export function labelOf(
  table: readonly CodeLabel[],
  code: string | null | undefined,
  lang: Lang,
): string | null {
  if (code == null) return null;
  const row = table.find((r) => r.code === code);
  if (!row) return null;
  return lang === 'zh' ? row.name_zh : row.name_en;
}
