/**
 * The catalog entry (政务信息资源目录 / 公共数据目录) per the 2017 national compiling guide (发改高技〔2017〕1272号)
 * and the core metadata of GB/T 21063.3, with the sharing/opening rules of the public-data measures and the
 * grading of GB/T 43697-2024. `defineCatalogEntry` parses once and returns a deeply frozen entry.
 */

import type { z } from 'zod';
import { checkEntryRules } from './entry-rules.ts';
import { CatalogEntryObject, type EntryDraft } from './entry-schema.ts';
import { inferMasking } from './infer-masking.ts';
import type { ShareMode } from './sharing.ts';
import type { FieldMasking } from './vocabulary.ts';

function fillDefaults(e: EntryDraft) {
  return {
    ...e,
    shareMode: e.shareMode ?? (e.shareType === 'none' ? [] : (['table'] as ShareMode[])),
    fields: e.fields.map((f) => ({
      ...f,
      masking: f.masking ?? (f.sensitive ? inferMasking(f) : ('none' as FieldMasking)),
      shareType: f.shareType ?? e.shareType,
      openType: f.openType ?? e.openType,
    })),
  };
}

/** Makes every property of T, deeply, readonly. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * A catalog entry: validated (cross-field rules of 第十二条/第十九条/第二十六条) and with defaults filled in
 * (item masking, item share/open type, share mode).
 */
export const CatalogEntry = CatalogEntryObject.superRefine(checkEntryRules).transform(fillDefaults);
/** A catalog entry as written in code. */
export type CatalogEntryInput = z.input<typeof CatalogEntry>;
/** A parsed, frozen catalog entry: every item has `masking`, `shareType` and `openType` set. */
export type CatalogEntry = DeepReadonly<z.output<typeof CatalogEntry>>;
/** A parsed data item. */
export type CatalogFieldOutput = CatalogEntry['fields'][number];
