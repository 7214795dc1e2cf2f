import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractedBatch,
  SourceColumnType,
} from '../types.ts';

/** Options of `memory`: rows already in memory (tests, quarantine replay, rows computed by code). */
export interface MemoryOptions {
  /** The name shown as the source, e.g. `quarantine replay hukou`. */
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Each row's source location; defaults to `<name>#<n>` (1-based). */
  readonly locations?: readonly string[];
  readonly columnTypes?: readonly (SourceColumnType | undefined)[];
  /** Rows per batch; defaults to 10,000. */
  readonly batchSize?: number;
}

/**
 * A connector over rows held in memory.
 * @example memory({ name: 'fixture', columns: ['公民身份号码'], rows: [['11010519491231002X']] })
 */
export function memory(options: MemoryOptions): Connector {
  const size = options.batchSize ?? 10_000;
  return {
    kind: 'memory',
    describe(): ConnectorDescription {
      return { kind: 'memory', source: options.name, options: { rows: options.rows.length } };
    },
    async check(): Promise<CheckResult> {
      return { ok: true, message: `${options.name}: ${options.rows.length} rows in memory` };
    },
    async *extract(ctx = {}): AsyncIterable<ExtractedBatch> {
      for (let i = 0; i < options.rows.length; i += size) {
        if (ctx.signal?.aborted) throw ctx.signal.reason;
        const rows = options.rows.slice(i, i + size).map((r) => [...r]);
        yield {
          columns: options.columns,
          rows,
          locations: rows.map((_, j) => options.locations?.[i + j] ?? `${options.name}#${i + j + 1}`),
          ...(options.columnTypes ? { columnTypes: options.columnTypes } : {}),
        };
      }
    },
  };
}
