/**
 * Masking of what people type into objections (DOMAIN.md §7 展示限制, masking server-side before anything is
 * stored or shown): a claim, its evidence and the provider's note are free text that may carry the very personal
 * data the objection is about. Before they are stored, citizen IDs (18 and 15 characters) and the USCCs of
 * 个体工商户 are masked as `maskIdentifiersIn` does, mobile numbers as `maskMobile`, and personal names as
 * `maskName`: the names the record itself holds (its items masked as names), and a name typed after a cue such
 * as 姓名应为 / 户主 / 法定代表人 (the claimed value, which the record does not hold). Names elsewhere in free text
 * cannot be told from other words; the cue list is the honest limit of what is recognised.
 */
import { datasetPolicies } from '../../platform/index.ts';
import { maskIdentifiersIn, maskMobile, maskName, quoteIdent } from '../../schemas/index.ts';
import type { CodeCatalogEntry, GovernanceContext } from '../context.ts';

/** A mobile number inside text (not part of a longer run of digits). */
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/**
 * A name typed after a cue: 姓名(应为|是|：)王芳, 户主张三, 法定代表人：李四 … The name is 2–4 Han characters (or a
 * transliterated name joined by ·), ended by anything that is not a Han character or by the text's end; when
 * the name runs on into the sentence, its first four characters are masked from the second on.
 */
const CUED_NAME =
  /(姓名|名字|户主|本人|申请人|联系人|法定代表人|法人代表|负责人|监护人|配偶|父亲|母亲)(应为|应是|应当为|实为|更正为|改为|为|是|叫|：|:)?\s*([\u4e00-\u9fa5]{1,4}(?:[·•][\u4e00-\u9fa5]{1,8})?)/g;

/** Masks identifiers, mobile numbers and the given names (longest first) in free text, then cued names. */
export function maskFreeText(text: string, names: readonly string[] = []): string {
  let out = maskIdentifiersIn(text).replace(MOBILE, (m) => maskMobile(m));
  for (const name of [...new Set(names)].filter((n) => n.length >= 2).sort((a, b) => b.length - a.length))
    out = out.split(name).join(maskName(name));
  return out.replace(CUED_NAME, (_m, cue: string, verb: string | undefined, name: string) => {
    return `${cue}${verb ?? ''}${maskName(name)}`;
  });
}

/** The values of the record `key` of a catalogued dataset in its items masked as names (none if not found). */
export async function recordNames(
  ctx: Pick<GovernanceContext, 'wh' | 'project'>,
  entry: CodeCatalogEntry,
  key: string,
): Promise<string[]> {
  const nameItems = entry.entry.fields
    .filter((f) => f.masking === 'name' || f.element === 'person.name' || f.element === 'org.legal_rep')
    .map((f) => f.name);
  if (!nameItems.length || !(await ctx.wh.hasTable(entry.dataset))) return [];
  const keyColumn = (await datasetPolicies(ctx.wh, ctx.project)).get(entry.dataset)?.keyColumn;
  if (!keyColumn) return [];
  const present = new Set(
    (
      await ctx.wh.all<{ c: string }>(`SELECT column_name AS c FROM (DESCRIBE SELECT * FROM ${entry.table})`)
    ).map((r) => r.c),
  );
  const columns = nameItems.filter((c) => present.has(c));
  if (!columns.length || !present.has(keyColumn)) return [];
  const rows = await ctx.wh.all<Record<string, unknown>>(
    `SELECT ${columns.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR) AS ${quoteIdent(c)}`).join(', ')}
     FROM ${entry.table} WHERE CAST(${quoteIdent(keyColumn)} AS VARCHAR) = $1 LIMIT 10`,
    [key],
  );
  return rows.flatMap((r) =>
    columns.map((c) => r[c]).filter((v): v is string => typeof v === 'string' && v !== ''),
  );
}
