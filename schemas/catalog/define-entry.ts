/** `defineCatalogEntry`: parse once, fill defaults, freeze; or one DefinitionError listing every problem. */
import { z } from 'zod';
import { formatDefinitionIssues } from '../definition-errors/all-issues.ts';
import { valueAt } from '../definition-errors/input-paths.ts';
import type { SuggestionVocabulary } from '../definition-errors/suggest.ts';
import { DefinitionError } from '../errors.ts';
import { deepFreeze } from '../freeze.ts';
import { CatalogEntry, type CatalogEntryInput } from './entry.ts';
import { GENERAL_SUB_LEVEL_LABELS, PERSONAL_INFO_LABELS, SECURITY_GRADE_LABELS } from './grading.ts';
import { OPEN_TYPE_LABELS, SHARE_MODE_LABELS, SHARE_TYPE_LABELS } from './sharing.ts';
import {
  CATALOG_KIND_LABELS,
  FIELD_TYPE_ALIASES,
  FIELD_TYPE_LABELS,
  RESOURCE_FORMAT_LABELS,
  UPDATE_CYCLE_LABELS,
} from './vocabulary.ts';

// Words a catalog entry's values may be written in, for the suggestions of its definition errors.
const CATALOG_VOCABULARY: SuggestionVocabulary = {
  labels: [
    SHARE_TYPE_LABELS,
    OPEN_TYPE_LABELS,
    SHARE_MODE_LABELS,
    UPDATE_CYCLE_LABELS,
    RESOURCE_FORMAT_LABELS,
    CATALOG_KIND_LABELS,
    SECURITY_GRADE_LABELS,
    GENERAL_SUB_LEVEL_LABELS,
    PERSONAL_INFO_LABELS,
    FIELD_TYPE_LABELS,
  ],
  aliases: FIELD_TYPE_ALIASES,
};

/** ` (column id_number)` after the path of a data item's property other than its name. */
function columnNote(input: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'fields' || typeof path[1] !== 'number' || path.length <= 2 || path[2] === 'name')
    return '';
  const column = valueAt(input, ['fields', path[1], 'name']);
  return typeof column === 'string' ? ` (column ${column})` : '';
}

function whereOf(input: unknown, file: string | undefined): string {
  const o = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const id = typeof o.dataset === 'string' ? o.dataset : typeof o.code === 'string' ? o.code : undefined;
  const name = typeof o.name === 'string' ? o.name : undefined;
  const what =
    id && name
      ? `dataset ${id} (${name})`
      : id
        ? `dataset ${id}`
        : name
          ? `dataset (${name})`
          : 'catalog entry';
  return file ? `${file}: ${what}` : what;
}

/**
 * Validates a catalog entry once, fills its defaults and returns it deeply frozen.
 * On failure throws one DefinitionError listing every problem, one line each, e.g.
 * `examples/xinjiang/catalog.ts: dataset hukou (户籍人口): shareType "conditional" needs shareCondition and
 * legalBasis (公共数据管理办法 第十九条). Fix: add shareCondition: "…" and legalBasis: "《…》第…条"`.
 *
 * @example
 * export const hukou = defineCatalogEntry({ dataset: 'hukou', code: '1/01/001/0001', name: '户籍人口', … },
 *   { file: import.meta.filename });
 */
export function defineCatalogEntry(input: CatalogEntryInput, options: { file?: string } = {}): CatalogEntry {
  const result = CatalogEntry.safeParse(input, { reportInput: true });
  if (result.success) return deepFreeze(result.data) as CatalogEntry;
  const where = whereOf(input, options.file);
  const problems = formatDefinitionIssues(result.error.issues, {
    where,
    input,
    schema: CatalogEntry,
    vocabulary: CATALOG_VOCABULARY,
    annotate: columnNote,
  });
  const first = problems[0]!;
  throw new DefinitionError(problems.map((p) => p.message).join('\n'), {
    ...(options.file === undefined ? {} : { file: options.file }),
    field: first.field,
    ...(first.allowed === undefined ? {} : { allowed: first.allowed }),
    fix: first.fix,
    problems: problems.map((p) => p.message),
  });
}

/**
 * A field holding a catalog entry made by defineCatalogEntry (checked by its shape: the entry was parsed when it
 * was defined). Used by the definitions that carry one (pipelines' datasets, foundations, models).
 */
export const definedCatalogEntry = z.custom<CatalogEntry>(
  (v) => typeof v === 'object' && v !== null && 'code' in v && 'fields' in v,
  { message: 'a catalog entry made by defineCatalogEntry({...})' },
);
