import { z } from 'zod';
import { deepFreeze, definitionErrorFromZod } from '../../schemas/index.ts';
import type { SignFunction } from './signing.ts';

/** Where pagination and incremental parameters go: the URL query or the JSON body (POST only). */
const placement = z
  .enum(['query', 'body'])
  .optional()
  .meta({ description: 'defaults to query for GET and body for POST.' });

/** A dotted path into a JSON response, e.g. `data.list`; `''` is the response itself. */
const jsonPath = z
  .string()
  .regex(/^$|^[^.]+(\.[^.]+)*$/, 'a dotted path such as "data.list" (no empty segments)');

const paramName = z.string().min(1);

/** `pageNumber=1,2,3…` with `pageSize=size`. */
const pagePagination = z.strictObject({
  kind: z.literal('page'),
  pageParam: paramName.default('pageNumber').meta({ description: 'defaults to pageNumber.' }),
  sizeParam: paramName.default('pageSize').meta({ description: 'defaults to pageSize.' }),
  size: z.number().int().positive().default(100).meta({ description: 'defaults to 100 records per page.' }),
  start: z.number().int().nonnegative().default(1).meta({ description: 'defaults to 1 (the first page).' }),
  in: placement,
});

/** `offset=0,limit,2·limit…` with `limit=limit`. */
const offsetPagination = z.strictObject({
  kind: z.literal('offset'),
  offsetParam: paramName.default('offset').meta({ description: 'defaults to offset.' }),
  limitParam: paramName.default('limit').meta({ description: 'defaults to limit.' }),
  limit: z.number().int().positive().default(100).meta({ description: 'defaults to 100 records per page.' }),
  start: z.number().int().nonnegative().default(0).meta({ description: 'defaults to 0.' }),
  in: placement,
});

/** The first request has no cursor; each next one sends the value found at `nextCursorPath`. */
const cursorPagination = z.strictObject({
  kind: z.literal('cursor'),
  cursorParam: paramName.default('cursor').meta({ description: 'defaults to cursor.' }),
  nextCursorPath: jsonPath
    .min(1)
    .meta({ description: 'where the next cursor is; absent/null/"" = last page.' }),
  in: placement,
});

/** Each response names the next URL (absolute or relative, same origin) at `nextPath`. */
const nextLinkPagination = z.strictObject({
  kind: z.literal('next-link'),
  nextPath: jsonPath.min(1).meta({ description: 'where the next URL is; absent/null/"" = last page.' }),
});

/** One request returns everything. */
const noPagination = z.strictObject({ kind: z.literal('none') });

/** The pagination styles `http()` understands. */
export const paginationSchema = z.discriminatedUnion('kind', [
  pagePagination,
  offsetPagination,
  cursorPagination,
  nextLinkPagination,
  noPagination,
]);

const secretText = z.string().min(1);

/** The options of `http({ … })`, validated once when the connector is created. */
export const httpOptionsSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .meta({ description: 'The endpoint; its own query parameters are kept on every request.' }),
    method: z.enum(['GET', 'POST']).default('GET').meta({ description: 'defaults to GET.' }),
    headers: z
      .record(
        z.string().regex(/^[!#$%&'*+.^`|~\w-]+$/, 'a header name (letters, digits, - and _)'),
        z
          .string()
          .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'header values in Latin-1 (percent-encode Chinese text)'),
      )
      .default({})
      .meta({ description: 'Extra request headers (secret-looking names are redacted in descriptions).' }),
    query: z
      .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .meta({ description: 'Extra query parameters on every request.' }),
    body: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'A JSON object sent with POST; pagination parameters are merged into it.' }),
    records: jsonPath.meta({
      description: 'Dotted path to the array of records in each response, e.g. "data.list"; "" = the root.',
    }),
    pagination: paginationSchema,
    stop: z
      .strictObject({
        totalPath: jsonPath
          .min(1)
          .optional()
          .meta({ description: 'Path of the total record count; paging stops once that many are read.' }),
      })
      .default({})
      .meta({ description: 'defaults to {}: page/offset stop at the first empty page.' }),
    envelope: z
      .strictObject({
        codePath: jsonPath.min(1).default('errcode').meta({ description: 'defaults to errcode.' }),
        okValues: z
          .array(z.union([z.string(), z.number()]))
          .min(1)
          .default([0, '0', 200, '200'])
          .meta({ description: 'defaults to [0, "0", 200, "200"]; compared as text.' }),
        messagePath: jsonPath.min(1).default('errmsg').meta({ description: 'defaults to errmsg.' }),
      })
      .optional()
      .meta({ description: 'An errcode envelope: a response whose code is not ok fails the load.' }),
    auth: z
      .strictObject({
        bearer: secretText.optional().meta({ description: 'Sent as `Authorization: Bearer …`.' }),
      })
      .optional(),
    sign: z
      .custom<SignFunction>((v) => typeof v === 'function', 'a function (req) => ({ headers?, query? })')
      .optional()
      .meta({ description: 'Called before every attempt; see appSignature() for the common scheme.' }),
    rateLimit: z
      .strictObject({
        requestsPerSecond: z.number().positive().max(1000),
      })
      .optional()
      .meta({ description: 'Spaces request starts (retries included) at least 1/requestsPerSecond apart.' }),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(20).default(5).meta({ description: 'defaults to 5.' }),
        baseDelayMs: z.number().int().nonnegative().default(200).meta({ description: 'defaults to 200.' }),
        maxDelayMs: z.number().int().nonnegative().default(5000).meta({ description: 'defaults to 5000.' }),
        timeoutMs: z.number().int().positive().default(15_000).meta({ description: 'defaults to 15000.' }),
        maxRetryAfterMs: z.number().int().nonnegative().default(60_000).meta({
          description: 'defaults to 60000: a longer Retry-After fails the load instead of waiting.',
        }),
      })
      .default({
        attempts: 5,
        baseDelayMs: 200,
        maxDelayMs: 5000,
        timeoutMs: 15_000,
        maxRetryAfterMs: 60_000,
      }),
    flatten: z.boolean().default(true).meta({
      description: 'defaults to true: nested objects → "a.b" columns; arrays are always JSON text.',
    }),
    maxPages: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'Stop (with a note) after this many pages; default unbounded.' }),
    incrementalParam: paramName.optional().meta({
      description: 'Parameter that receives the incremental cursor value; unset = the loader filters.',
    }),
    extraColumn: paramName
      .default('_extra')
      .meta({ description: 'defaults to _extra: JSON of keys not seen on the first page.' }),
  })
  .refine((o) => o.body === undefined || o.method === 'POST', {
    message: 'a body is sent only with method: "POST"',
    path: ['body'],
  })
  .refine((o) => !('in' in o.pagination) || o.pagination.in !== 'body' || o.method === 'POST', {
    message: 'parameters go in the body only with method: "POST"',
    path: ['pagination', 'in'],
  });

/** What `http()` accepts. */
export type HttpOptionsInput = z.input<typeof httpOptionsSchema>;

/** Parsed, defaulted, frozen HTTP options. */
export type HttpOptions = Readonly<z.output<typeof httpOptionsSchema>>;

/** The parsed pagination options. */
export type HttpPagination = z.output<typeof paginationSchema>;

const HINTS = {
  url: "http({ url: 'https://data.example.gov.cn/api/list', records: 'data.list', pagination: { kind: 'page' } })",
  records: "records: 'data.list' (the dotted path to the array in each response)",
  pagination: "pagination: { kind: 'page', pageParam: 'pageNumber', sizeParam: 'pageSize', size: 100 }",
  'pagination.kind': "one of 'page' | 'offset' | 'cursor' | 'next-link' | 'none'",
  body: "method: 'POST' with body, or move the parameters to query",
  'pagination.in': "method: 'POST', or in: 'query'",
  'headers.*': "percent-encode non-Latin-1 text, e.g. headers: { 'X-Dept': encodeURIComponent('公安厅') }",
};

/** Validates `http()` options once, fills defaults and deep-freezes them; throws a DefinitionError naming the field. */
export function parseHttpOptions(input: unknown): HttpOptions {
  const result = httpOptionsSchema.safeParse(input);
  if (!result.success) {
    throw definitionErrorFromZod(result.error, { object: 'http()' }, HINTS);
  }
  return deepFreeze(result.data);
}
