import type { HttpOptions } from './options.ts';
import { isPlainObject } from './records.ts';

/** Header, parameter and body-field names whose values are secrets (redacted in descriptions, notes, errors). */
export const SECRET_NAME =
  /secret|token|passw|pwd|sign|authorization|cookie|credential|private|api[-_]?key|app[-_]?key|access[-_]?key/i;

/** Removes secrets from URLs and text. */
export interface Redactor {
  url(url: URL): string;
  readonly text: (text: string) => string;
  /** Registers a value sent under `name` (a signing header or parameter); secret-looking names are redacted. */
  learn(name: string, value: string): void;
}

/** The redactor of a source: its auth and signing values, and values sent under secret-looking names. */
export function createRedactor(options: HttpOptions): Redactor {
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

/** The options as describe() shows them: secrets replaced. */
export function describeOptions(
  options: HttpOptions,
  redactor: Redactor,
  source: string,
): Record<string, unknown> {
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
