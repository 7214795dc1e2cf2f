/** The contract every connector implements. */

/** One batch of rows read from a source: text values in source column order, each row with its location. */
export interface ExtractedBatch {
  /** Source column names, identical for every batch of one extraction. */
  readonly columns: readonly string[];
  /** Row values; `null` for an absent value (an empty CSV field is `''`, not `null`). */
  readonly rows: (string | null)[][];
  /** Where each row came from, parallel to `rows`: `file.csv:12`, `book.xlsx!Sheet1!7`, `table@cursor`, `url page 3`. */
  readonly locations: string[];
  /**
   * Per-row problems, parallel to `rows` (absent when no row in the batch has one). A non-null entry means
   * the row is malformed, e.g. `field-count: expected 12 fields, got 14`; the loader quarantines such rows.
   */
  readonly problems?: (string | null)[];
  /**
   * Per-row values beyond the source's columns (a CSV row with more fields than its header), parallel to `rows`:
   * a name for each (`_extra_4`: the 4th field) and its text. The loader keeps them in the quarantined row.
   */
  readonly extras?: (Readonly<Record<string, string | null>> | null)[];
  /**
   * Types the source itself declares per column (a database column type, an Excel date cell), parallel to
   * `columns`; `undefined` where the source only has text. Values stay text in a canonical spelling for the
   * type: `YYYY-MM-DD` dates, ISO 8601 timestamps, decimal numbers with `.`, `true`/`false`. The loader casts
   * them, unless the catalog entry declares another type.
   */
  readonly columnTypes?: readonly (SourceColumnType | undefined)[];
  /**
   * Files whose rows are complete as of this batch (set by file-consuming connectors such as `folder` on the
   * last batch of each file): the loader records their content hashes in the same transaction as the rows.
   */
  readonly files?: readonly { readonly path: string; readonly sha256: string; readonly rows: number }[];
}

/** Column types a source can declare (the catalog's data-item types). */
export type SourceColumnType = 'string' | 'integer' | 'decimal' | 'date' | 'timestamp' | 'boolean';

/**
 * An incremental extraction: only rows whose cursor column is greater than `after` are wanted. Sources that
 * can filter (databases, APIs) should push it down; the loader filters again and dedups at the boundary, so a
 * source that cannot filter (a file) may ignore it.
 */
export interface IncrementalRequest {
  readonly column: string;
  /** The stored cursor minus the lag window, as text in the column's canonical spelling; null = from the start. */
  readonly after: string | null;
}

/** What an extraction may use: a cancellation signal and a sink for notes (encoding detected, etc.). */
export interface ExtractContext {
  readonly signal?: AbortSignal;
  /** Called with short human notes about the source, e.g. `encoding gb18030 (detected)`. */
  readonly note?: (message: string) => void;
  /** Set when the dataset declares an incremental cursor. */
  readonly incremental?: IncrementalRequest;
  /** Whether a file with this sha256 was already loaded into the dataset (file connectors skip it). */
  readonly seen?: (sha256: string) => boolean;
}

/** A short, JSON-safe description of a source, stored with every load for lineage. */
export interface ConnectorDescription {
  readonly kind: string;
  /** The file path, URL or table the rows come from. */
  readonly source: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The result of a connectivity / readability check. */
export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

/** A source DuckDB reads directly. */
export interface SqlRelation {
  /** A table expression, e.g. `read_parquet('/data/x.parquet', file_row_number = true)`. */
  readonly sql: string;
  /** SQL over that expression's columns giving each row's location, e.g. `'x.parquet#' || (file_row_number + 1)`. */
  readonly location: string;
  /** Columns of the expression that are not source columns (e.g. `file_row_number`). */
  readonly hidden: readonly string[];
  /**
   * For line-oriented text files: locations are `file:line`, derived from the row order and the line breaks
   * inside earlier rows, and the loader checks that rows + embedded breaks account for every physical line.
   * If they do not (blank lines, ragged rows), or DuckDB cannot read the file, the loader falls back to
   * `extract()`. `location` is ignored when `lines` is set.
   */
  readonly lines?: {
    readonly file: string;
    readonly firstDataLine: number;
    readonly physicalLines: number;
    /** Physical lines (ascending) whose rows have `problem` (e.g. lines of another encoding). */
    readonly problemLines?: { readonly lines: readonly number[]; readonly problem: string };
    /** The problem of rows whose text holds U+FFFD (bytes invalid in the file's encoding), when any may. */
    readonly replacementProblem?: string;
    /**
     * Flagged rows whose lines are of the other encoding, by their first line: their values decoded as what they
     * are (connectors/csv/recover.ts), in column order, kept in quarantine instead of the values read.
     */
    readonly recovered?: ReadonlyMap<number, readonly string[]>;
  };
  /** Notes for the load record (e.g. a transcoding). */
  readonly notes?: readonly string[];
  /** Removes temporary files; called after staging. */
  dispose?(): Promise<void>;
}

/** A source of rows. Created by a factory such as `csv({ path })`. */
export interface Connector {
  readonly kind: string;
  describe(): ConnectorDescription;
  check(): Promise<CheckResult>;
  extract(ctx?: ExtractContext): AsyncIterable<ExtractedBatch>;
  /**
   * Optional fast path for sources DuckDB reads itself (Parquet): a table expression and the SQL of each
   * row's location. When present, the loader stages with `INSERT … SELECT` inside DuckDB instead of
   * `extract()`, so the rows never pass through JavaScript.
   */
  relation?(): SqlRelation | undefined | Promise<SqlRelation | undefined>;
  /**
   * The same connector with its relative paths resolved from `dir` (file connectors have it; sources without
   * paths do not). A project resolves its connectors from the folder of gongshu.config.ts with it.
   */
  withBaseDir?(dir: string): Connector;
}
