import type { NodeLevel } from '../../schemas/index.ts';
import type { DatasetPolicy } from '../catalog-policy.ts';

/** The header of a backflow answer (in the Parquet footer). */
export interface BackflowHeader {
  readonly v: 2;
  readonly dataset: string;
  readonly from: string;
  readonly to: string;
  readonly prefix: string;
  readonly columns: readonly string[];
  readonly purpose: string;
}

/**
 * What a backflow may return, as the node's grants decide (the governance layer supplies it through
 * `NodeServerOptions.authorizeBackflow`; the platform does not know grants). To refuse, the authorizer throws a
 * `PlatformRejection`.
 */
export interface BackflowAuthorization {
  /** Columns the requester may receive; every requested column must be one of them (the key is not added). */
  readonly columns: readonly string[];
  /** Granted columns left out of the answer (output policy `drop`). */
  readonly drop?: readonly string[];
  /** A division prefix inside the requester's own that the rows are limited to. */
  readonly divisionPrefix?: string | null;
  /** SQL replacing a column (masking, generalising), given the quoted column. */
  readonly columnSql?: Readonly<Record<string, (column: string) => string>>;
  /** JS replacing a column's values (pseudonymising). */
  readonly columnJs?: Readonly<Record<string, (value: string | null) => string | null>>;
  /** Recorded in the audit entry (grant, policy hash, key id). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Called after the answer is built and audited, in the same serial slot (e.g. to log the use). */
  readonly served?: (result: {
    rows: number;
    columns: readonly string[];
    contentHash: string;
  }) => Promise<void>;
}

/** What an authorizer is asked (after the catalog checks, before any row is read). */
export interface BackflowAsk {
  readonly requester: string;
  /** The requester's level (from `platform.children`, else its code). */
  readonly level: NodeLevel;
  readonly dataset: string;
  readonly columns: readonly string[];
  readonly purpose: string;
  /** The grant the requester names (`?grant=`), if any. */
  readonly grant: string | null;
  readonly policy: DatasetPolicy;
}

/** Decides what a backflow may return (see `BackflowAuthorization`). */
export type BackflowAuthorizer = (ask: BackflowAsk) => Promise<BackflowAuthorization>;

/** A served backflow: the Parquet file and what it holds. */
export interface ServedBackflow {
  readonly file: string;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly contentHash: string;
}
