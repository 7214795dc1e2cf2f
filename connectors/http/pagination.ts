import type { HttpPagination } from './options.ts';
import { textOf, valueAt } from './records.ts';

/** Parameters for one page request; `url` replaces the configured URL (next-link pagination). */
export interface PageRequest {
  readonly params: Readonly<Record<string, string | number>>;
  readonly url?: URL;
}

/** What the paginator learns from a page that had records. */
export interface PageOutcome {
  readonly json: unknown;
  readonly count: number;
  /** The URL the page was requested from (without signing parameters). */
  readonly url: URL;
}

/** The next request, a clean stop (with a note), or a loop the API is stuck in (an error message). */
export type NextPage =
  | { readonly next: PageRequest }
  | { readonly stop: string }
  | { readonly loop: string; readonly fix: string };

/** Produces the requests of one extraction, page after page. */
export interface Paginator {
  first(): PageRequest;
  next(outcome: PageOutcome): NextPage;
  /**
   * Records a full page holds (page and offset kinds). A page repeating a *shorter* previous page is a server
   * serving its last page again for out-of-range requests; repeating a full one means the parameter is ignored.
   */
  readonly pageSize: number | undefined;
  /** How the page parameter is named, for error messages. */
  readonly param: string | undefined;
}

/** Creates the paginator for the parsed `pagination` option. */
export function createPaginator(pagination: HttpPagination): Paginator {
  switch (pagination.kind) {
    case 'page': {
      let page = pagination.start;
      const params = (): PageRequest => ({
        params: { [pagination.pageParam]: page, [pagination.sizeParam]: pagination.size },
      });
      return {
        pageSize: pagination.size,
        param: pagination.pageParam,
        first: params,
        next() {
          page += 1;
          return { next: params() };
        },
      };
    }
    case 'offset': {
      let offset = pagination.start;
      const params = (): PageRequest => ({
        params: { [pagination.offsetParam]: offset, [pagination.limitParam]: pagination.limit },
      });
      return {
        pageSize: pagination.limit,
        param: pagination.offsetParam,
        first: params,
        next({ count }) {
          offset += count;
          return { next: params() };
        },
      };
    }
    case 'cursor': {
      const seen = new Set<string>();
      return {
        pageSize: undefined,
        param: pagination.cursorParam,
        first: () => ({ params: {} }),
        next({ json }) {
          const cursor = textOf(valueAt(json, pagination.nextCursorPath));
          if (cursor === null || cursor === '') return { stop: `no cursor at ${pagination.nextCursorPath}` };
          if (seen.has(cursor)) {
            return {
              loop: `the next cursor at ${pagination.nextCursorPath} repeats an earlier one (${JSON.stringify(cursor.slice(0, 40))})`,
              fix: `check that pagination.cursorParam (${JSON.stringify(pagination.cursorParam)}) is the parameter the API reads`,
            };
          }
          seen.add(cursor);
          return { next: { params: { [pagination.cursorParam]: cursor } } };
        },
      };
    }
    case 'next-link': {
      const seen = new Set<string>();
      return {
        pageSize: undefined,
        param: undefined,
        first: () => ({ params: {} }),
        next({ json, url }) {
          const link = textOf(valueAt(json, pagination.nextPath));
          if (link === null || link === '') return { stop: `no next link at ${pagination.nextPath}` };
          let next: URL;
          try {
            next = new URL(link, url);
          } catch {
            return {
              loop: `the next link at ${pagination.nextPath} is not a URL (${JSON.stringify(link.slice(0, 80))})`,
              fix: 'check pagination.nextPath',
            };
          }
          if (next.origin !== url.origin) {
            // Credentials and signatures must not be sent to another host.
            return {
              loop: `the next link at ${pagination.nextPath} leaves ${url.origin} for ${next.origin}`,
              fix: 'point url at the host that serves every page, or ask the provider to return same-origin links',
            };
          }
          seen.add(url.href);
          if (seen.has(next.href)) {
            return {
              loop: `the next link at ${pagination.nextPath} points back to a page already read`,
              fix: 'check pagination.nextPath',
            };
          }
          return { next: { params: {}, url: next } };
        },
      };
    }
    case 'none':
      return {
        pageSize: undefined,
        param: undefined,
        first: () => ({ params: {} }),
        next: () => ({ stop: 'a single request (pagination: none)' }),
      };
  }
}
