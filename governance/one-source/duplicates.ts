/**
 * One data, one source across the catalog (第二条、第十三条、第四十四条; GOVERNANCE.md H): every catalogued dataset
 * that collects a data element (数据元) whose authoritative source is another department's dataset, with its
 * department, the authoritative one, the keys both hold a value for and how many of those values disagree.
 *
 * A foundation field is the data element `person.<field>` (citizen-ID foundations) or `org.<field>` (USCC
 * foundations), and its authoritative source is the foundation's (declared in code, one per field). A dataset
 * collects an element when a catalog item names it (`element: "person.name"`) or when a foundation compares the
 * dataset's value with the authoritative one (`others`). Overlap and disagreements come from the built foundation,
 * compared like its conflicts; before the foundation is built (or its sources loaded) they are null.
 */
import { duplicateCollection, type Foundation, type SourceRef } from '../../jobs/index.ts';
import type { CatalogEntry } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';

/** What the one-source check reads of a project: its pipelines (datasets, keys, catalog) and foundations. */
export interface OneSourceProject {
  readonly pipelines?: readonly {
    readonly dataset: {
      readonly name: string;
      readonly key?: { readonly kind: string; readonly column: string } | undefined;
      readonly catalog?: CatalogEntry | undefined;
    };
  }[];
  readonly foundations?: readonly Foundation[];
}

/** One dataset collecting one data element held authoritatively by another department. */
export interface RepeatedCollection {
  /** The data element, e.g. `person.name`. */
  readonly element: string;
  readonly foundation: string;
  readonly field: string;
  /** The dataset collecting it again, its catalog code and provider department. */
  readonly dataset: string;
  readonly code: string | null;
  readonly department: string;
  /** Where the dataset holds it: a column, or the SQL expression of the foundation's comparison. */
  readonly column: string;
  /** Declared by a catalog item (`element`) or by the foundation's comparison (`others`). */
  readonly declaredBy: 'catalog' | 'foundation';
  /** The authoritative source(s) and their department(s). */
  readonly authoritative: readonly { readonly dataset: string; readonly department: string | null }[];
  /** Keys for which both hold a value (null before the foundation is built). */
  readonly overlap: number | null;
  /** Of those, keys whose values disagree (null before the foundation is built). */
  readonly disagreeing: number | null;
  /** The legal reason the catalog entry gives for collecting it again (`duplicateBasis`), or null. */
  readonly basis: string | null;
}

/** A catalog item naming an element no foundation defines (it cannot be checked). */
export interface UnknownElement {
  readonly dataset: string;
  readonly column: string;
  readonly element: string;
}

/** The one-data-one-source report of a node. */
export interface OneSourceReport {
  readonly duplicates: readonly RepeatedCollection[];
  readonly unknownElements: readonly UnknownElement[];
}

/** The element code of a foundation field: `person.<field>` or `org.<field>`. */
export function elementOf(f: Pick<Foundation, 'key'>, field: string): string {
  return `${f.key === 'citizen-id' ? 'person' : 'org'}.${field}`;
}

const keyKindOf = (kind: string | undefined): string | undefined =>
  kind === 'citizen-id' || kind === 'citizenId' ? 'citizen-id' : kind;

/**
 * Lists every catalogued dataset collecting an element whose authoritative source is another department's
 * (same key kind), with overlap and disagreements when the foundation is built. Read-only.
 */
export async function oneSourceReport(wh: Warehouse, project: OneSourceProject): Promise<OneSourceReport> {
  const datasets = new Map((project.pipelines ?? []).map((p) => [p.dataset.name, p.dataset]));
  const departmentOf = (dataset: string) => datasets.get(dataset)?.catalog?.provider.name ?? null;
  const foundations = project.foundations ?? [];
  const known = new Map<string, { f: Foundation; field: string }>();
  for (const f of foundations)
    for (const field of Object.keys(f.fields)) known.set(elementOf(f, field), { f, field });

  const unknownElements: UnknownElement[] = [];
  /** Foundation name → field → the extra refs declared by catalog items. */
  const declared = new Map<string, Map<string, SourceRef[]>>();
  for (const [name, ds] of datasets) {
    for (const item of ds.catalog?.fields ?? []) {
      if (!item.element) continue;
      const hit = known.get(item.element);
      if (!hit) {
        unknownElements.push({ dataset: name, column: item.name, element: item.element });
        continue;
      }
      const { f, field } = hit;
      if (keyKindOf(ds.key?.kind) !== f.key) continue;
      if (f.fields[field]!.some((r) => r.source === name)) continue;
      if ((f.others[field] ?? []).some((r) => r.source === name)) continue;
      const byField = declared.get(f.name) ?? new Map<string, SourceRef[]>();
      byField.set(field, [...(byField.get(field) ?? []), { source: name, column: item.name }]);
      declared.set(f.name, byField);
    }
  }

  const duplicates: RepeatedCollection[] = [];
  for (const f of foundations) {
    const extra = declared.get(f.name) ?? new Map<string, SourceRef[]>();
    const others: Record<string, readonly SourceRef[]> = { ...f.others };
    for (const [field, refs] of extra) others[field] = [...(others[field] ?? []), ...refs];
    const lines = Object.entries(others).flatMap(([field, refs]) =>
      refs.map((ref) => ({
        field,
        ref,
        declaredBy: f.others[field]?.includes(ref) ? 'foundation' : 'catalog',
      })),
    );
    if (lines.length === 0) continue;
    const stats = await comparisons(wh, { ...f, others });
    for (const { field, ref, declaredBy } of lines) {
      const department = departmentOf(ref.source);
      const authoritative = f.fields[field]!.map((a) => ({
        dataset: a.source,
        department: departmentOf(a.source),
      }));
      // Another department's element: a department collecting what it holds authoritatively is not listed.
      if (department === null || authoritative.every((a) => a.department === department)) continue;
      const s = stats?.find((d) => d.field === field && d.source === ref.source);
      const entry = datasets.get(ref.source)?.catalog;
      duplicates.push({
        element: elementOf(f, field),
        foundation: f.name,
        field,
        dataset: ref.source,
        code: entry?.code ?? null,
        department,
        column: ref.column ?? `(${ref.expr})`,
        declaredBy: declaredBy as RepeatedCollection['declaredBy'],
        authoritative,
        overlap: s ? s.keys : null,
        disagreeing: s ? s.disagreeing : null,
        basis: entry?.duplicateBasis ?? null,
      });
    }
  }
  duplicates.sort(
    (a, b) =>
      a.department.localeCompare(b.department) ||
      a.dataset.localeCompare(b.dataset) ||
      a.element.localeCompare(b.element),
  );
  return { duplicates, unknownElements };
}

/** The foundation's comparisons with every other source, or null when it cannot be compared yet. */
async function comparisons(wh: Warehouse, f: Foundation) {
  try {
    return await duplicateCollection(wh, f);
  } catch {
    // Not built yet, or a source not loaded: the listing stands without figures.
    return null;
  }
}

/**
 * The definition rule of H: a warning per dataset collecting an element held authoritatively by another
 * department without a `duplicateBasis` in its catalog entry.
 */
export function oneSourceWarnings(report: OneSourceReport): string[] {
  const out: string[] = [];
  for (const d of report.duplicates) {
    if (d.basis) continue;
    out.push(
      `dataset ${d.dataset} (${d.department}) collects ${d.element} (column ${d.column}), whose authoritative source is ${d.authoritative
        .map((a) => `${a.dataset}${a.department ? ` (${a.department})` : ''}`)
        .join(
          ', ',
        )}. One data, one source (第十三条): obtain it by sharing. Fix: drop the column, or give the legal reason in the catalog entry's duplicateBasis`,
    );
  }
  for (const u of report.unknownElements) {
    out.push(
      `dataset ${u.dataset}: column ${u.column} names data element ${u.element}, which no foundation defines. Fix: name a foundation field ("person.<field>" or "org.<field>"), or drop element`,
    );
  }
  return out;
}
