import { SourceError } from '../errors.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
} from '../types.ts';
import { NOT_COMMITTED } from './error-text.ts';
import { createLayout, type Layout } from './layout.ts';
import { type HttpOptions, type HttpOptionsInput, parseHttpOptions } from './options.ts';
import { repeatError, totalOf } from './page-errors.ts';
import { createPageReader } from './page-reader.ts';
import { createPaginator } from './pagination.ts';
import { contentHash, recordEntries } from './records.ts';
import { createRedactor, describeOptions, type Redactor } from './redaction.ts';

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
