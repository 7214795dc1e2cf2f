import { SourceError } from '../errors.ts';
import { NOT_COMMITTED, snippet } from './error-text.ts';
import type { HttpOptions } from './options.ts';
import { textOf, toJsonText, valueAt } from './records.ts';

/** A page that repeats the previous one: the API ignores the pagination parameter. */
export function repeatError(
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

/** The total record count at `path` of a page, if the API reports one. */
export function totalOf(json: unknown, path: string, label: string): number | undefined {
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
