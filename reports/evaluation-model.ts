/**
 * The evaluation section of the dashboard (GOVERNANCE.md H and I): the yearly evaluation per department, the
 * article-44 failures, the datasets collecting another department's data elements, and the evaluations the
 * children sent with their pushes (flattened, each with the path it came by). Filled by the governance layer.
 */
import { z } from 'zod';

const count = z.number();
const maybe = z.number().nullable();

/** The article-44 failures of a department (第四十四条). */
export const Article44Row = z.object({
  missingCatalogEntries: count,
  repeatedCollection: count,
  overdueRequests: count,
  overdueCatalogUpdates: count,
  unresolvedObjections: maybe.meta({ description: 'null when objections are not recorded on the node' }),
});

/** One department's evaluation. */
export const DepartmentRow = z.object({
  department: z.string().nullable().meta({ description: 'null: datasets without a catalog entry' }),
  datasets: z.array(z.string()),
  catalog: z.object({ entries: count, published: count, overdueUpdates: count, missing: count }),
  collected: z.object({ loads: count, rowsRead: count, rowsLoaded: count, rowsQuarantined: count }),
  quality: z.object({ score: maybe, trend: maybe, freshness: maybe, runs: count }),
  provided: z.object({
    rowsPushed: count,
    rowsShared: count,
    rowsOpened: count.optional().meta({ description: 'absent in summaries of older nodes' }),
    requestsReceived: count,
    requestsAnswered: count,
    answeredOnTime: count,
    onTimePercent: maybe,
  }),
  used: z.object({ requestsMade: count, grants: count, rowsReceived: count }),
  objections: z
    .object({ raised: count, resolved: count, resolvedOnTime: count, unresolved: count, overdue: count })
    .nullable(),
  duplicates: z.object({ elements: z.array(z.string()), disagreeing: count }),
  security: z
    .object({
      graded: count,
      datasets: count,
      gradeCoverage: maybe,
      grades: z.object({ core: count, important: count, general: count }),
      reviewed: count,
      lastAssessment: z.string().nullable(),
      backup: z
        .object({
          lastVerified: z.string().nullable(),
          offsiteVerified: z.string().nullable(),
          overdue: z.boolean(),
        })
        .nullable(),
    })
    .optional()
    .meta({ description: 'absent in summaries of older nodes' }),
  failures: Article44Row,
});
/** A department row. */
export type DepartmentRow = z.output<typeof DepartmentRow>;

/** A node's evaluation as shown (this node, or a child by the path its summary came). */
export const NodeEvaluationRow = z.object({
  node: z.string(),
  name: z.string().nullable(),
  level: z.string().nullable(),
  /** The nodes the summary passed through, from this node's child down to the node itself. */
  via: z.array(z.string()),
  asOf: z.string(),
  receivedAt: z.string().nullable(),
  departments: z.array(DepartmentRow),
  failures: Article44Row,
});
/** A node's evaluation row. */
export type NodeEvaluationRow = z.output<typeof NodeEvaluationRow>;

/** A dataset collecting a data element whose authoritative source is another department (一数一源). */
export const DuplicateRow = z.object({
  department: z.string(),
  dataset: z.string(),
  element: z.string(),
  column: z.string(),
  authoritative: z.string().meta({ description: 'dataset (department), …' }),
  overlap: maybe,
  disagreeing: maybe,
  basis: z.string().nullable(),
});
/** A duplicate row. */
export type DuplicateRow = z.output<typeof DuplicateRow>;

/** The evaluation data. */
export const EvaluationData = z.object({
  year: z.number(),
  self: NodeEvaluationRow,
  children: z.array(NodeEvaluationRow),
  duplicates: z.array(DuplicateRow),
});
/** Evaluation data. */
export type EvaluationData = z.output<typeof EvaluationData>;
