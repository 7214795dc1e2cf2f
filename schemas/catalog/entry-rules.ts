/**
 * The cross-field rules of a catalog entry (公共数据管理办法 第十二条, 第十九条, 第二十条, 第二十六条, 第二十七条):
 * each broken rule is one issue carrying its fix.
 */
import type { z } from 'zod';
import type { EntryDraft } from './entry-schema.ts';
import { inferMasking } from './infer-masking.ts';
import { generalizationOf } from './outputs.ts';
import type { ShareType } from './sharing.ts';

const SHARE_RANK: Readonly<Record<ShareType, number>> = { unconditional: 0, conditional: 1, none: 2 };

const MEASURES = '公共数据管理办法';

/** Adds one issue: where, what is wrong, how to fix it, and what is allowed. */
type AddIssue = (path: (string | number)[], message: string, fix: string, allowed?: string) => void;

/** An item of a catalog entry. */
type Item = EntryDraft['fields'][number];

/** Adds an issue to `ctx` for every cross-field rule the entry breaks. */
export function checkEntryRules(e: EntryDraft, ctx: z.RefinementCtx): void {
  const add: AddIssue = (path, message, fix, allowed) =>
    ctx.addIssue({ code: 'custom', path, message, params: { fix, ...(allowed ? { allowed } : {}) } });

  if (e.secret) {
    add(
      ['secret'],
      `a dataset marked secret (涉密) must not be catalogued (${MEASURES} 第十二条: 不得将涉密数据编入公共数据目录)`,
      'remove this entry from the catalog and manage the data under the secrecy rules (第三条)',
      'secret: false',
    );
    return;
  }
  entryRules(e, add);
  jurisdictionRules(e, add);
  const seen = new Map<string, number>();
  e.fields.forEach((f, i) => {
    const first = seen.get(f.name);
    if (first !== undefined) {
      add(
        ['fields', i, 'name'],
        `column "${f.name}" is listed twice (fields[${first}] and fields[${i}])`,
        'keep one item per column',
      );
    } else seen.set(f.name, i);
    itemShareRules(e, f, i, add);
    itemOutputRules(e, f, i, add);
  });
}

/** The entry's own rules: conditions and legal basis of sharing and opening (第十九条, 第二十七条), grading. */
function entryRules(e: EntryDraft, add: AddIssue): void {
  if (e.shareType === 'conditional' && (e.shareCondition === undefined || e.legalBasis === undefined)) {
    const missing = [
      e.shareCondition === undefined ? 'shareCondition' : null,
      e.legalBasis === undefined ? 'legalBasis' : null,
    ].filter((m) => m !== null);
    add(
      [missing[0]!],
      `shareType "conditional" needs shareCondition and legalBasis (${MEASURES} 第十九条)`,
      `add ${missing.map((m) => (m === 'legalBasis' ? 'legalBasis: "《…》第…条"' : 'shareCondition: "…"')).join(' and ')}`,
    );
  }
  if (e.shareType === 'none' && e.legalBasis === undefined) {
    add(
      ['legalBasis'],
      `shareType "none" needs legalBasis: data not shared must cite a law or state rule (${MEASURES} 第十九条)`,
      'add legalBasis: "《…》第…条", or share the data (after desensitisation, 第二十条)',
    );
  }
  if (e.openType === 'conditional' && e.openCondition === undefined) {
    add(
      ['openCondition'],
      `openType "conditional" needs openCondition (${MEASURES} 第二十七条)`,
      'add openCondition: "…"',
    );
  }
  if (e.generalSubLevel !== undefined && e.securityGrade !== 'general') {
    add(
      ['generalSubLevel'],
      `generalSubLevel applies only to securityGrade "general"; got securityGrade "${e.securityGrade}"`,
      'remove generalSubLevel, or set securityGrade: "general"',
    );
  }
}

/** The jurisdiction: exactly one of column or fromKey, and a column that is an item of the entry. */
function jurisdictionRules(e: EntryDraft, add: AddIssue): void {
  if (e.jurisdiction && (e.jurisdiction.column === undefined) === (e.jurisdiction.fromKey === undefined)) {
    add(
      ['jurisdiction'],
      `jurisdiction: expected exactly one of column or fromKey; got ${e.jurisdiction.column === undefined ? 'neither' : 'both'}`,
      'jurisdiction: { column: "division", basis: "registered-residence" }',
    );
  } else if (
    e.jurisdiction?.column !== undefined &&
    !e.fields.some((f) => f.name === e.jurisdiction!.column)
  ) {
    add(
      ['jurisdiction', 'column'],
      `jurisdiction.column "${e.jurisdiction.column}" is not an item of this entry`,
      `add an item { name: "${e.jurisdiction.column}", title: "行政区划代码", type: "string" }, or name an existing item`,
      e.fields.map((f) => f.name).join(', '),
    );
  }
}

/** An item's share and open types against the entry's (第十九条): never stricter unless the entry is conditional. */
function itemShareRules(e: EntryDraft, f: Item, i: number, add: AddIssue): void {
  if (
    f.shareType !== undefined &&
    SHARE_RANK[f.shareType] > SHARE_RANK[e.shareType] &&
    e.shareType !== 'conditional'
  ) {
    add(
      ['fields', i, 'shareType'],
      `item shareType "${f.shareType}" is stricter than the entry's "${e.shareType}"; data only partly shareable is conditional (第十九条)`,
      'set the entry shareType: "conditional" (with shareCondition and legalBasis)',
    );
  }
  if (f.shareType !== undefined && e.shareType === 'none' && f.shareType !== 'none') {
    add(
      ['fields', i, 'shareType'],
      `item shareType "${f.shareType}" in an entry that is not shared`,
      'remove the item shareType, or make the entry shareType "conditional"',
    );
  }
  if (
    f.openType !== undefined &&
    SHARE_RANK[f.openType] > SHARE_RANK[e.openType] &&
    e.openType !== 'conditional'
  ) {
    add(
      ['fields', i, 'openType'],
      `item openType "${f.openType}" is stricter than the entry's "${e.openType}"; data only partly open is conditional`,
      'set the entry openType: "conditional" with openCondition',
    );
  }
  if (f.openType !== undefined && e.openType === 'none' && f.openType !== 'none') {
    add(
      ['fields', i, 'openType'],
      `item openType "${f.openType}" in an entry that is not open`,
      'remove the item openType, or make the entry openType "conditional"',
    );
  }
}

/** An item's outputs and masking: what can be generalised, and no sensitive item opened in clear (第二十六条). */
function itemOutputRules(e: EntryDraft, f: Item, i: number, add: AddIssue): void {
  for (const [audience, action] of Object.entries(f.outputs ?? {})) {
    if (action === 'generalize' && generalizationOf(f) === undefined) {
      add(
        ['fields', i, 'outputs', audience],
        `item "${f.name}" (${f.type}) cannot be generalised: generalize applies to dates, division codes and ages`,
        `use "mask", "pseudonymize" or "drop" for outputs.${audience}`,
        'clear|drop|mask|pseudonymize',
      );
    }
  }
  if (f.sensitive && f.outputs?.open === 'clear' && (f.openType ?? e.openType) !== 'none') {
    add(
      ['fields', i, 'outputs', 'open'],
      `sensitive item "${f.name}" would be opened in clear (第二十六条: no direct identifier leaves for the public unmasked)`,
      'use outputs.open: "mask", "pseudonymize", "generalize" or "drop"',
      'drop|mask|pseudonymize|generalize',
    );
  }
  const open = f.openType ?? e.openType;
  if (f.sensitive && f.masking === 'none' && open === 'unconditional') {
    add(
      ['fields', i, 'masking'],
      `sensitive item "${f.name}" would be opened unconditionally without masking (第二十条, 第二十六条)`,
      `remove masking: "none" (default: "${inferMasking(f)}"), or set openType: "none" on the item`,
    );
  }
}
