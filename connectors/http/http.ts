import { randomBytes } from 'node:crypto';
import { SourceError } from '../errors.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
} from '../types.ts';
import { type HttpOptions, type HttpOptionsInput, parseHttpOptions } from './options.ts';
import { createPaginator, type PageRequest } from './pagination.ts';
import {
  contentHash,
  isPlainObject,
  parseJson,
  recordEntries,
  textOf,
  toJsonText,
  valueAt,
} from './records.ts';
import {
  createRateLimiter,
  fetchWithRetry,
  type PreparedRequest,
  type RateLimiter,
  snippet,
} from './retry.ts';

const NOT_COMMITTED = 'the load was not committed';

/** Header, parameter and body-field names whose values are secrets (redacted in descriptions, notes, errors). */
export const SECRET_NAME =
  /secret|token|passw|pwd|sign|authorization|cookie|credential|private|api[-_]?key|app[-_]?key|access[-_]?key/i;

/**
 * A paginated JSON API connector (provincial sharing/open-data interfaces): page/offset/cursor/next-link
 * pagination, bearer auth or a signing hook (see appSignature), errcode envelopes, rate limiting and retries.
 * Each page is one batch; locations read `GET <url> page N #i`.
 *
 * Columns are the union of the (flattened) keys of the first page's records, plus a last column
 * `extraColumn` (`_extra`) holding, as a JSON object, keys first seen on later pages (with a note), so that
 * every batch has the same columns and no value is dropped.
 *
 * Paging stops at the first empty page, once `stop.totalPath` records were read, when a cursor/next link is
 * absent, or after `maxPages` (with a note). A page whose records equal the previous page's is an error (the
 * API ignores the page parameter), except when the previous page was short (fewer than `size` records): that
 * is a server serving its last page again for out-of-range requests, and paging stops cleanly with a note.
 *
 * @example
 * const source = http({
 *   url: 'https://data.example.gov.cn/api/hukou/list',
 *   records: 'data.list',
 *   pagination: { kind: 'page', pageParam: 'pageNumber', sizeParam: 'pageSize', size: 500 },
 *   stop: { totalPath: 'data.total' },
 *   envelope: { codePath: 'errcode', okValues: [0], messagePath: 'errmsg' },
 *   sign: appSignature({ appId: 'A001', appSecret: process.env.APP_SECRET!, algorithm: 'sm3' }),
 *   rateLimit: { requestsPerSecond: 5 },
 * });
 */
export function http(input: HttpOptionsInput): Connector {
  const options = parseHttpOptions(input);
  const redactor = createRedactor(options);
  const source = redactor.url(new URL(options.url));
  return {
    kind: 'http',
    describe(): ConnectorDescription {
      return { kind: 'http', source, options: describeOptions(options, redactor, source) };
    },
    async check(): Promise<CheckResult> {
      try {
        const reader = createPageReader(options, redactor, {});
        const page = await reader.read(createPaginator(options.pagination).first(), 1);
        const columns = new Set(
          page.records.flatMap((r) => recordEntries(r, options.flatten).map(([k]) => k)),
        );
        return {
          ok: true,
          message: `${source}: reachable, page 1 has ${page.records.length} records (${columns.size} columns)`,
        };
      } catch (error) {
        if (error instanceof SourceError) return { ok: false, message: error.message };
        throw error;
      }
    },
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractPages(options, redactor, source, ctx);
    },
  };
}

async function* extractPages(
  options: HttpOptions,
  redactor: Redactor,
  source: string,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal, note } = ctx;
  signal?.throwIfAborted();
  const paginator = createPaginator(options.pagination);
  const reader = createPageReader(options, redactor, ctx);
  let request = paginator.first();
  let layout: Layout | undefined;
  let previous: { hash: string; count: number } | undefined;
  let read = 0;
  let total: number | undefined;

  for (let pageNo = 1; ; pageNo++) {
    if (options.maxPages !== undefined && pageNo > options.maxPages) {
      note?.(`stopped after maxPages=${options.maxPages} pages (${read} records); more pages may remain`);
      return;
    }
    const page = await reader.read(request, pageNo);
    const { records, label } = page;
    if (options.stop.totalPath !== undefined)
      total = totalOf(page.json, options.stop.totalPath, label) ?? total;
    if (records.length === 0) {
      if (pageNo === 1) note?.(`${source}: the first page has no records`);
      else if (total !== undefined && read < total)
        note?.(`page ${pageNo} is empty after ${read} records, but ${options.stop.totalPath} says ${total}`);
      return;
    }
    const hash = contentHash(records);
    if (previous !== undefined && hash === previous.hash) {
      if (paginator.pageSize !== undefined && previous.count < paginator.pageSize) {
        note?.(
          `page ${pageNo} repeats page ${pageNo - 1} (a short last page of ${previous.count} records): ` +
            'the API serves its last page again for out-of-range pages; stopped there',
        );
        return;
      }
      throw repeatError(options, label, pageNo, paginator.param);
    }
    previous = { hash, count: records.length };
    layout ??= createLayout(records, options, note);
    yield layout.batch(records, pageNo, `${options.method} ${source} page ${pageNo}`, note);
    read += records.length;
    signal?.throwIfAborted();
    if (total !== undefined && read >= total) return;
    const step = paginator.next({ json: page.json, count: records.length, url: page.url });
    if ('stop' in step) return;
    if ('loop' in step) {
      throw new SourceError(`${label}: ${step.loop}: a pagination loop; ${NOT_COMMITTED}. Fix: ${step.fix}`, {
        page: pageNo,
      });
    }
    request = step.next;
  }
}

function repeatError(
  options: HttpOptions,
  label: string,
  pageNo: number,
  param: string | undefined,
): SourceError {
  const ignored =
    param === undefined
      ? 'the API served the same records again for the next page'
      : `the API ignores ${JSON.stringify(param)} and served the same records again`;
  const fix =
    options.pagination.kind === 'page' || options.pagination.kind === 'offset'
      ? `check pagination parameter names and pagination.in (query or body) against the API documentation, or set stop.totalPath so paging stops at the total`
      : 'check the pagination settings against the API documentation';
  return new SourceError(
    `${label}: page ${pageNo} repeats page ${pageNo - 1}: ${ignored}; ${NOT_COMMITTED}. Fix: ${fix}`,
    { page: pageNo, reason: 'repeated-page' },
  );
}

function totalOf(json: unknown, path: string, label: string): number | undefined {
  const value = valueAt(json, path);
  if (value === undefined || value === null) return undefined;
  const total = Number(textOf(value));
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new SourceError(
      `${label}: expected a record count at ${path}; got ${snippet(toJsonText(value), (t) => t)}. ` +
        `Fix: set stop.totalPath to the path of the total record count, or remove it`,
      { path },
    );
  }
  return total;
}

/** One page, parsed. */
interface Page {
  readonly json: unknown;
  readonly records: readonly unknown[];
  readonly url: URL;
  /** `GET <redacted url> (page N)`. */
  readonly label: string;
}

interface PageReader {
  read(request: PageRequest, pageNo: number): Promise<Page>;
}

/** Builds, signs, sends (with retries) and parses page requests. */
function createPageReader(options: HttpOptions, redactor: Redactor, ctx: ExtractContext): PageReader {
  const limiter: RateLimiter | undefined = options.rateLimit
    ? createRateLimiter(options.rateLimit.requestsPerSecond)
    : undefined;
  const pagination = options.pagination;
  const where =
    ('in' in pagination ? pagination.in : undefined) ?? (options.method === 'POST' ? 'body' : 'query');
  const extra: Record<string, string> = {};
  if (ctx.incremental !== undefined) {
    if (options.incrementalParam === undefined) {
      ctx.note?.(
        `incremental on ${ctx.incremental.column}: no incrementalParam, so every page is read and the loader filters`,
      );
    } else if (ctx.incremental.after !== null) {
      extra[options.incrementalParam] = ctx.incremental.after;
    }
  }

  return {
    async read(request, pageNo) {
      const url = new URL(request.url ?? options.url);
      for (const [name, value] of Object.entries(options.query)) {
        if (request.url === undefined || !url.searchParams.has(name))
          url.searchParams.set(name, String(value));
      }
      const params = { ...request.params, ...extra };
      if (where === 'query')
        for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
      const body =
        options.method === 'POST'
          ? JSON.stringify({ ...(options.body ?? {}), ...(where === 'body' ? params : {}) })
          : undefined;
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
        ...(options.auth?.bearer === undefined ? {} : { authorization: `Bearer ${options.auth.bearer}` }),
      };
      const label = `${options.method} ${redactor.url(url)} (page ${pageNo})`;
      const prepare = async (): Promise<PreparedRequest> => {
        if (options.sign === undefined) return { method: options.method, url, headers, body };
        const signed = new URL(url);
        const result = await options.sign({
          method: options.method,
          url: new URL(url),
          headers: { ...headers },
          body,
          timestamp: Date.now(),
          nonce: randomBytes(16).toString('hex'),
        });
        for (const [name, value] of Object.entries(result.query ?? {})) {
          signed.searchParams.set(name, value);
          redactor.learn(name, value);
        }
        for (const [name, value] of Object.entries(result.headers ?? {})) redactor.learn(name, value);
        return { method: options.method, url: signed, headers: { ...headers, ...result.headers }, body };
      };
      const response = await fetchWithRetry(prepare, options.retry, {
        label,
        redact: redactor.text,
        signal: ctx.signal,
        limiter,
        onRetry: ctx.note,
      });
      const json = parseBody(response.text, response.contentType, label, redactor);
      if (options.envelope !== undefined) checkEnvelope(json, options.envelope, label, redactor);
      const records = valueAt(json, options.records);
      if (!Array.isArray(records))
        throw notAnArray(json, records, options.records, label, response.text, redactor);
      return { json, records, url, label };
    },
  };
}

function parseBody(text: string, contentType: string, label: string, redactor: Redactor): unknown {
  const start = text.trimStart();
  const body = snippet(text, redactor.text);
  if (start === '') {
    throw new SourceError(
      `${label}: expected JSON, got an empty body; ${NOT_COMMITTED}. Fix: check the url and parameters, or retry later`,
      { reason: 'malformed-page' },
      { retryable: true },
    );
  }
  if (/html/i.test(contentType) || start.startsWith('<')) {
    throw new SourceError(
      `${label}: expected JSON, got HTML (content-type ${contentType || 'none'}): ${body}; ${NOT_COMMITTED}. ` +
        'Fix: this is a web or gateway error page: check the url and credentials, or retry later',
      { reason: 'malformed-page', contentType },
      { retryable: true },
    );
  }
  try {
    return parseJson(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceError(
      `${label}: invalid JSON (${reason}): ${body}; ${NOT_COMMITTED}. ` +
        'Fix: the API sent a truncated or malformed page: retry later, or report it to the provider',
      { reason: 'malformed-page' },
      { retryable: true, cause: error },
    );
  }
}

function checkEnvelope(
  json: unknown,
  envelope: NonNullable<HttpOptions['envelope']>,
  label: string,
  redactor: Redactor,
): void {
  const code = textOf(valueAt(json, envelope.codePath));
  const ok = envelope.okValues.map(String);
  if (code !== null && ok.includes(code)) return;
  const message = textOf(valueAt(json, envelope.messagePath));
  const said = message === null ? '' : `: ${redactor.text(message)}`;
  if (code === null) {
    throw new SourceError(
      `${label}: expected an envelope code at ${envelope.codePath}; the response has none` +
        ` (${snippet(toJsonText(json), redactor.text)}); ${NOT_COMMITTED}. Fix: set envelope.codePath, or remove envelope`,
      { reason: 'envelope' },
    );
  }
  throw new SourceError(
    `${label}: the API answered ${envelope.codePath} ${code}${said} (ok: ${ok.join(', ')}); ${NOT_COMMITTED}. ` +
      'Fix: act on the message (credentials, parameters, quota), or add the code to envelope.okValues if it means success',
    { reason: 'envelope', code, message: message === null ? null : redactor.text(message) },
  );
}

function notAnArray(
  json: unknown,
  found: unknown,
  path: string,
  label: string,
  text: string,
  redactor: Redactor,
): SourceError {
  const got =
    found === undefined ? 'nothing' : found === null ? 'null' : Array.isArray(found) ? 'array' : typeof found;
  const keys = isPlainObject(json) ? ` (top-level keys: ${Object.keys(json).slice(0, 10).join(', ')})` : '';
  return new SourceError(
    `${label}: expected an array of records at ${JSON.stringify(path)}; got ${got === 'object' ? 'an object' : got}` +
      `${keys}: ${snippet(text, redactor.text)}; ${NOT_COMMITTED}. Fix: set records to the dotted path of the array`,
    { reason: 'malformed-page', path },
  );
}

/** The fixed columns of one extraction and how records map onto them. */
interface Layout {
  batch(
    records: readonly unknown[],
    pageNo: number,
    where: string,
    note: ((message: string) => void) | undefined,
  ): ExtractedBatch;
}

function createLayout(
  first: readonly unknown[],
  options: HttpOptions,
  note: ((message: string) => void) | undefined,
): Layout {
  const index = new Map<string, number>();
  for (const record of first) {
    for (const [name] of recordEntries(record, options.flatten))
      if (!index.has(name)) index.set(name, index.size);
  }
  let extraName = options.extraColumn;
  for (let n = 2; index.has(extraName); n++) extraName = `${options.extraColumn}_${n}`;
  if (extraName !== options.extraColumn)
    note?.(`the records have a key ${JSON.stringify(options.extraColumn)}; extra keys go to ${extraName}`);
  const columns = Object.freeze([...index.keys(), extraName]);
  const width = index.size;
  const noted = new Set<string>();
  return {
    batch(records, pageNo, where, onNote) {
      const rows: (string | null)[][] = [];
      const locations: string[] = [];
      records.forEach((record, i) => {
        const row = new Array<string | null>(width + 1).fill(null);
        const filled = new Array<boolean>(width).fill(false);
        let extras: Record<string, unknown> | undefined;
        for (const [name, value] of recordEntries(record, options.flatten)) {
          const at = index.get(name);
          if (at !== undefined && !filled[at]) {
            row[at] = textOf(value);
            filled[at] = true;
            continue;
          }
          extras ??= {};
          extras[name] = value;
          if (at === undefined && !noted.has(name)) {
            noted.add(name);
            onNote?.(
              `page ${pageNo}: key ${JSON.stringify(name)} is not among the first page's columns; kept in ${extraName}`,
            );
          }
        }
        if (extras !== undefined) row[width] = toJsonText(extras);
        rows.push(row);
        locations.push(`${where} #${i + 1}`);
      });
      return { columns, rows, locations };
    },
  };
}

/** Removes secrets from URLs and text. */
interface Redactor {
  url(url: URL): string;
  readonly text: (text: string) => string;
  /** Registers a value sent under `name` (a signing header or parameter); secret-looking names are redacted. */
  learn(name: string, value: string): void;
}

function createRedactor(options: HttpOptions): Redactor {
  const fixed = new Set<string>();
  const recent: string[] = [];
  const add = (value: string): void => {
    if (value.length >= 4) fixed.add(value);
  };
  if (options.auth?.bearer !== undefined) add(options.auth.bearer);
  for (const [name, value] of Object.entries(options.headers)) if (SECRET_NAME.test(name)) add(value);
  for (const [name, value] of Object.entries(options.query)) if (SECRET_NAME.test(name)) add(String(value));
  collectSecrets(options.body, add);
  const initial = new URL(options.url);
  for (const [name, value] of initial.searchParams) if (SECRET_NAME.test(name)) add(value);
  if (initial.password !== '') add(decodeURIComponent(initial.password));

  const text = (input: string): string => {
    let out = input;
    for (const secret of [...fixed, ...recent]) out = out.replaceAll(secret, '***');
    return out;
  };
  return {
    text,
    url(url) {
      const copy = new URL(url);
      copy.username = '';
      copy.password = '';
      for (const name of new Set(copy.searchParams.keys()))
        if (SECRET_NAME.test(name)) copy.searchParams.set(name, '***');
      let shown = copy.href;
      try {
        shown = decodeURI(shown);
      } catch {
        // keep the encoded form
      }
      return text(shown);
    },
    learn(name, value) {
      if (!SECRET_NAME.test(name) || value.length < 4 || recent.includes(value)) return;
      recent.push(value);
      // Signatures change on every request; the last few are enough to clean the messages of the current one.
      if (recent.length > 8) recent.shift();
    },
  };
}

function collectSecrets(value: unknown, add: (value: string) => void): void {
  if (!isPlainObject(value)) return;
  for (const [name, child] of Object.entries(value)) {
    if (SECRET_NAME.test(name) && (typeof child === 'string' || typeof child === 'number'))
      add(String(child));
    else collectSecrets(child, add);
  }
}

function redactDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDeep);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => [name, SECRET_NAME.test(name) ? '***' : redactDeep(child)]),
  );
}

function describeOptions(options: HttpOptions, redactor: Redactor, source: string): Record<string, unknown> {
  return {
    url: source,
    method: options.method,
    headers: redactDeep(options.headers),
    query: redactDeep(options.query),
    ...(options.body === undefined ? {} : { body: redactDeep(options.body) }),
    records: options.records,
    pagination: options.pagination,
    stop: options.stop,
    ...(options.envelope === undefined ? {} : { envelope: options.envelope }),
    ...(options.auth?.bearer === undefined ? {} : { auth: { bearer: '***' } }),
    ...(options.sign === undefined
      ? {}
      : { sign: redactor.text(options.sign.description ?? 'a custom function') }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
    retry: options.retry,
    flatten: options.flatten,
    ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
    ...(options.incrementalParam === undefined ? {} : { incrementalParam: options.incrementalParam }),
    extraColumn: options.extraColumn,
  };
}
