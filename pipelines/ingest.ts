import { extname } from 'node:path';
import { connectorKinds, createConnector, KIND_BY_EXTENSION, SourceError } from '../connectors/index.ts';
import { DefinitionError, isGongshuError, reservedNameProblem, unreservedName } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { definePipeline, type Pipeline, WRITE_MODES } from './define.ts';
import { KEY_KINDS, type KeySpec } from './key-spec.ts';
import { type LoadResult, loadPipeline } from './load.ts';
import { rememberedDataset } from './remembered.ts';

/** File extensions → connector kinds for ad-hoc ingest. */
export const INGEST_KINDS: Readonly<Record<string, string>> = { ...KIND_BY_EXTENSION, '.parquet': 'parquet' };

/** An ad-hoc ingest: one file into one dataset, as `gongshu ingest` does it. */
export interface IngestRequest {
  readonly path: string;
  readonly dataset: string;
  /** `citizen-id:COLUMN` or `uscc:COLUMN`; defaults to the key the warehouse remembers for the dataset. */
  readonly key?: string;
  /** Defaults to append. */
  readonly mode?: string;
  /** Options for the connector (encoding, sheet, headerRow …). */
  readonly sourceOptions?: Readonly<Record<string, unknown>>;
  readonly onProgress?: (rowsRead: number) => void;
}

/** Parses `citizen-id:身份证号` / `uscc:统一社会信用代码` into a key. */
export function parseKeyOption(text: string): KeySpec {
  const i = text.indexOf(':');
  const kind = i < 0 ? text : text.slice(0, i);
  const column = i < 0 ? '' : text.slice(i + 1);
  if (!(KEY_KINDS as readonly string[]).includes(kind) || column.trim() === '') {
    throw new DefinitionError(
      `--key: expected citizen-id:COLUMN or uscc:COLUMN; got ${JSON.stringify(text)}. Fix: --key citizen-id:公民身份号码`,
      { field: '--key', allowed: 'citizen-id:COLUMN | uscc:COLUMN', fix: '--key citizen-id:公民身份号码' },
    );
  }
  return { kind: kind as KeySpec['kind'], column };
}

/** Refuses a `--dataset` that is not a valid table name or could reach a system table or schema. */
function checkDatasetOption(dataset: string): void {
  const problem = /^[a-z][a-z0-9_]*$/.test(dataset)
    ? reservedNameProblem(dataset)
    : `expected lower-case letters, digits and _ (starting with a letter); got ${JSON.stringify(dataset)}`;
  if (!problem) return;
  const cleaned =
    dataset
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/^[^a-z]+/, '') || 'hukou';
  const suggestion = reservedNameProblem(cleaned) ? unreservedName(cleaned) : cleaned;
  throw new DefinitionError(`--dataset: ${problem}. Fix: --dataset ${suggestion}`, {
    field: '--dataset',
    allowed: 'lower-case letters, digits and _, not a reserved name',
    fix: `--dataset ${suggestion}`,
  });
}

/**
 * Loads one file into a dataset without a project: the connector is chosen by extension, the source's
 * column names (Chinese headers included) are kept, and the dataset and its key are remembered in the
 * warehouse, so a later ingest of the same dataset needs no `--key` and quality rules know the key.
 */
export async function ingestFile(wh: Warehouse, request: IngestRequest): Promise<LoadResult> {
  const kind = INGEST_KINDS[extname(request.path).toLowerCase()];
  if (!kind || !connectorKinds().includes(kind)) {
    const supported = Object.entries(INGEST_KINDS)
      .filter(([, k]) => connectorKinds().includes(k))
      .map(([ext]) => ext);
    throw new DefinitionError(
      `${request.path}: cannot ingest files named ${JSON.stringify(extname(request.path) || '(no extension)')}; ` +
        `supported: ${supported.join(', ')}. Fix: convert the file, or define a pipeline with the right connector`,
      { field: 'PATH', allowed: supported.join(', '), fix: 'use a supported file type' },
    );
  }
  checkDatasetOption(request.dataset);
  const mode = request.mode ?? 'append';
  if (!(WRITE_MODES as readonly string[]).includes(mode)) {
    throw new DefinitionError(
      `--mode: expected ${WRITE_MODES.join(', ')}; got ${JSON.stringify(mode)}. Fix: --mode append`,
      { field: '--mode', allowed: WRITE_MODES.join(', '), fix: '--mode append' },
    );
  }
  const remembered = await rememberedDataset(wh, request.dataset);
  const key = request.key ? parseKeyOption(request.key) : remembered?.key;
  if (mode === 'merge' && !key) {
    throw new DefinitionError(
      `--mode merge: a merge matches rows on the key, and dataset ${request.dataset} has none. ` +
        'Fix: --key citizen-id:COLUMN (or uscc:COLUMN), or --mode append',
      { field: '--mode', allowed: 'merge with --key', fix: '--key citizen-id:COLUMN' },
    );
  }
  const { file: _definedIn, ...defined } = definePipeline({
    name: request.dataset,
    source: createConnector(kind, { path: request.path, ...(request.sourceOptions ?? {}) }),
    dataset: {
      name: request.dataset,
      ...(key ? { key } : {}),
      writeMode: mode as (typeof WRITE_MODES)[number],
      ...(remembered?.catalog ? { catalog: remembered.catalog } : {}),
    },
  });
  // Not defined in a file of the project: errors name the ingested file and the command's flags.
  const pipeline: Pipeline = Object.freeze({ ...defined, adHoc: { path: request.path } });
  try {
    return await loadPipeline(wh, pipeline, request.onProgress ? { onProgress: request.onProgress } : {});
  } catch (error) {
    throw withIngestFlags(error);
  }
}

/** The connector options `gongshu ingest` has flags for. */
const INGEST_FLAGS: Readonly<Record<string, string>> = {
  sheet: '--sheet',
  headerRow: '--header-row',
  encoding: '--encoding',
};

/**
 * A connector's fix written as the ingest flags that give it (`excel({ sheet: "户籍" })` → `--sheet 户籍`,
 * `csv({ encoding: 'utf-8' })` → `--encoding utf-8`); a fix naming an option ingest has no flag for stays.
 */
export function asIngestFlags(text: string): string {
  return text.replace(/\b(?:csv|excel|json)\(\{ ([^{}]*) \}\)/g, (whole, inner: string) => {
    const flags: string[] = [];
    for (const part of inner.split(/, (?=\w+: )/)) {
      const m = /^(\w+): (.+)$/.exec(part);
      if (!m) return whole;
      if (m[1] === 'path') continue;
      const flag = INGEST_FLAGS[m[1]!];
      if (!flag) return whole;
      flags.push(`${flag} ${unquoted(m[2]!)}`);
    }
    return flags.length > 0 ? flags.join(' ') : whole;
  });
}

/** A quoted option value as typed on a command line (`"户籍"` → `户籍`); quoted still when it holds a space. */
function unquoted(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  if (!m) return value;
  return /\s/.test(m[2]!) ? `"${m[2]}"` : m[2]!;
}

/** A source error of an ingest whose fix names the connector's options: the same error naming the flags. */
function withIngestFlags(error: unknown): unknown {
  if (!isGongshuError(error) || error.code !== 'source') return error;
  const message = asIngestFlags(error.message);
  if (message === error.message) return error;
  return new SourceError(message, { ...error.details }, { retryable: error.retryable, cause: error });
}
