/** Reading one page: build, sign and send the request (rate-limited, with retries), parse and check the body. */
import { randomBytes } from 'node:crypto';
import { SourceError } from '../errors.ts';
import type { ExtractContext } from '../types.ts';
import { NOT_COMMITTED, snippet } from './error-text.ts';
import type { HttpOptions } from './options.ts';
import type { PageRequest } from './pagination.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { isPlainObject, parseJson, textOf, toJsonText, valueAt } from './records.ts';
import type { Redactor } from './redaction.ts';
import { fetchWithRetry, type PreparedRequest } from './retry.ts';

/** One page, parsed. */
export interface Page {
  readonly json: unknown;
  readonly records: readonly unknown[];
  readonly url: URL;
  /** `GET <redacted url> (page N)`. */
  readonly label: string;
}

/** Reads page `pageNo` of an extraction. */
export interface PageReader {
  read(request: PageRequest, pageNo: number): Promise<Page>;
}

/** Builds, signs, sends (with retries) and parses page requests. */
export function createPageReader(options: HttpOptions, redactor: Redactor, ctx: ExtractContext): PageReader {
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
