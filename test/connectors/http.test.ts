import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appSignature,
  type Connector,
  computeAppSign,
  connectorKinds,
  createConnector,
  type ExtractContext,
  type HttpOptionsInput,
  http,
  SourceError,
} from '../../connectors/index.ts';
import { DefinitionError } from '../../schemas/errors.ts';
import { type FaultServer, type FaultServerOptions, startFaultServer } from '../helpers/fault-server.ts';

let server: FaultServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FaultServerOptions = {}): Promise<FaultServer> {
  server = await startFaultServer(options);
  return server;
}

/** Fast retries so fault tests stay quick; timeouts well above a local round trip. */
const FAST = { attempts: 5, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 } as const;

const PAGE = { kind: 'page', size: 10 } as const;

function pageSource(s: FaultServer, extra: Partial<HttpOptionsInput> = {}): Connector {
  return http({
    url: `${s.origin}/page`,
    records: 'data.list',
    pagination: PAGE,
    envelope: { codePath: 'errcode', okValues: [0], messagePath: 'errmsg' },
    retry: FAST,
    ...extra,
  });
}

interface Extracted {
  columns: readonly string[];
  rows: (string | null)[][];
  locations: string[];
  notes: string[];
  batches: number;
}

async function extractAll(connector: Connector, ctx: Omit<ExtractContext, 'note'> = {}): Promise<Extracted> {
  const out: Extracted = { columns: [], rows: [], locations: [], notes: [], batches: 0 };
  for await (const batch of connector.extract({ ...ctx, note: (m) => out.notes.push(m) })) {
    expect(batch.locations).toHaveLength(batch.rows.length);
    if (out.batches > 0) expect(batch.columns).toEqual(out.columns);
    for (const row of batch.rows) expect(row).toHaveLength(batch.columns.length);
    out.columns = batch.columns;
    out.rows.push(...batch.rows);
    out.locations.push(...batch.locations);
    out.batches++;
  }
  return out;
}

/** Extraction error, with the ephemeral port normalised. */
async function failure(connector: Connector, ctx: Omit<ExtractContext, 'note'> = {}): Promise<SourceError> {
  const notes: string[] = [];
  try {
    for await (const _ of connector.extract({ ...ctx, note: (m) => notes.push(m) })) {
      // drain
    }
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    const e = error as SourceError;
    return Object.assign(e, { message: normalise(e.message) });
  }
  throw new Error('expected the extraction to fail');
}

function normalise(text: string): string {
  return server === undefined ? text : text.replaceAll(`:${server.port}`, ':PORT');
}

function column(out: Extracted, name: string): (string | null)[] {
  const i = out.columns.indexOf(name);
  expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
  return out.rows.map((row) => row[i] ?? null);
}

const ids = (s: FaultServer) => s.people.map((p) => p.身份号码);
const FLAT_COLUMNS = ['身份号码', '姓名', '性别', '出生日期', '住址.省', '住址.市', '标签', '序号', '_extra'];

describe('http pagination, end to end', () => {
  it('page: reads every record in order, flattens, locates rows, and stops at the first empty page', async () => {
    const s = await start({ records: 25 });
    const out = await extractAll(pageSource(s));
    expect(out.columns).toEqual(FLAT_COLUMNS);
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(column(out, '序号')).toEqual(s.people.map((p) => String(p.序号)));
    expect(column(out, '住址.市')[1]).toBe('喀什地区');
    expect(column(out, '标签')[0]).toBe('["低保","独居"]');
    expect(column(out, '_extra').every((v) => v === null)).toBe(true);
    expect(out.batches).toBe(3);
    expect(out.locations.map(normalise).slice(9, 12)).toEqual([
      'GET http://127.0.0.1:PORT/page page 1 #10',
      'GET http://127.0.0.1:PORT/page page 2 #1',
      'GET http://127.0.0.1:PORT/page page 2 #2',
    ]);
    expect(s.requests.map((r) => r.query)).toEqual(
      [1, 2, 3, 4].map((n) => ({ pageNumber: String(n), pageSize: '10' })),
    );
  });

  it('page: stop.totalPath saves the empty-page request', async () => {
    const s = await start({ records: 25 });
    const out = await extractAll(pageSource(s, { stop: { totalPath: 'data.total' } }));
    expect(out.rows).toHaveLength(25);
    expect(s.requests).toHaveLength(3);
  });

  it('page: POST with the page parameters in the JSON body', async () => {
    const s = await start({ records: 23 });
    const out = await extractAll(
      pageSource(s, { method: 'POST', body: { deptCode: '650100' }, pagination: { ...PAGE, in: 'body' } }),
    );
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(s.requests[1]).toMatchObject({
      method: 'POST',
      body: { deptCode: '650100', pageNumber: 2, pageSize: 10 },
    });
    expect(s.requests[1]?.headers['content-type']).toBe('application/json');
  });

  it('offset: advances by the records received', async () => {
    const s = await start({ records: 25 });
    const out = await extractAll(
      http({
        url: `${s.origin}/offset`,
        records: 'data.list',
        pagination: { kind: 'offset', limit: 8 },
        retry: FAST,
      }),
    );
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(s.requests.map((r) => r.query.offset)).toEqual(['0', '8', '16', '24', '25']);
    expect(out.locations[8]).toMatch(/\/offset page 2 #1$/);
  });

  it('cursor: follows data.nextCursor until it is null', async () => {
    const s = await start({ records: 25 });
    const out = await extractAll(
      http({
        url: `${s.origin}/cursor`,
        records: 'data.list',
        pagination: { kind: 'cursor', cursorParam: 'cursor', nextCursorPath: 'data.nextCursor' },
        retry: FAST,
      }),
    );
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(s.requests).toHaveLength(3);
    expect(s.requests[0]?.query).toEqual({});
    expect(out.locations.at(-1)).toMatch(/\/cursor page 3 #5$/);
  });

  it('next-link: follows relative links.next', async () => {
    const s = await start({ records: 25 });
    const out = await extractAll(
      http({
        url: `${s.origin}/link`,
        records: 'items',
        pagination: { kind: 'next-link', nextPath: 'links.next' },
      }),
    );
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(s.requests.map((r) => r.query.p)).toEqual([undefined, '2', '3', '4']);
    expect(out.batches).toBe(4);
  });

  it('none: one request returns everything', async () => {
    const s = await start({ records: 12 });
    const out = await extractAll(
      http({ url: `${s.origin}/all`, records: 'data.list', pagination: { kind: 'none' } }),
    );
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(s.requests).toHaveLength(1);
  });

  it('keeps keys first seen after page 1 in _extra, with a note', async () => {
    const s = await start({ records: 25, extraKeyFrom: 20 });
    const out = await extractAll(pageSource(s));
    expect(out.columns).toEqual(FLAT_COLUMNS);
    const extra = column(out, '_extra');
    expect(extra.slice(0, 20).every((v) => v === null)).toBe(true);
    expect(JSON.parse(extra[20] ?? 'null')).toEqual({ 联系电话: '13800000020' });
    expect(out.notes).toContain(
      'page 3: key "联系电话" is not among the first page\'s columns; kept in _extra',
    );
  });

  it('flatten: false keeps nested objects as JSON text', async () => {
    const s = await start({ records: 3 });
    const out = await extractAll(pageSource(s, { flatten: false }));
    expect(out.columns).toContain('住址');
    expect(JSON.parse(column(out, '住址')[0] ?? '')).toEqual(s.people[0]?.住址);
  });

  it('keeps every digit of identity numbers sent as bare JSON numbers', async () => {
    const s = await start({ records: 3 });
    const out = await extractAll(
      http({ url: `${s.origin}/big`, records: 'data', pagination: { kind: 'none' } }),
    );
    expect(column(out, '身份号码')).toEqual(s.people.map((p) => `${p.身份号码.slice(0, 17)}1`));
    expect(column(out, '金额')).toEqual(['12.5', '12.5', '12.5']);
  });

  it('maxPages stops with a note', async () => {
    const s = await start({ records: 25 });
    const out = await extractAll(pageSource(s, { maxPages: 2 }));
    expect(out.rows).toHaveLength(20);
    expect(out.notes).toContain('stopped after maxPages=2 pages (20 records); more pages may remain');
  });
});

describe('http retries', () => {
  it('retries 500s and then succeeds; the server saw the extra attempts', async () => {
    const s = await start({
      records: 25,
      faults: [{ page: 2, times: 2, fault: { kind: 'status', status: 500 } }],
    });
    const out = await extractAll(pageSource(s, { stop: { totalPath: 'data.total' } }));
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(s.requests.map((r) => r.page)).toEqual([1, 2, 2, 2, 3]);
    expect(out.notes.filter((n) => n.includes('HTTP 500; retry'))).toHaveLength(2);
  });

  it('gives up after the last attempt with a clear message', async () => {
    const s = await start({ records: 100, faults: [{ page: 7, fault: { kind: 'status', status: 503 } }] });
    const error = await failure(pageSource(s));
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/page?pageNumber=7&pageSize=10 (page 7): HTTP 503 after 5 attempts (last: Service Unavailable). The API is failing; the load was not committed. Fix: retry later, or lower rateLimit"`,
    );
    expect(error.retryable).toBe(true);
    expect(s.requests.filter((r) => r.page === 7)).toHaveLength(5);
  });

  it('retries a request that times out', async () => {
    const s = await start({ records: 25, faults: [{ page: 2, times: 1, fault: { kind: 'hang' } }] });
    // 2 s: long past a local round trip even on a loaded machine, so only the hanging request times out.
    const out = await extractAll(pageSource(s, { retry: { ...FAST, timeoutMs: 2_000 } }));
    expect(out.rows).toHaveLength(25);
    expect(s.requests.map((r) => r.page)).toEqual([1, 2, 2, 3, 4]);
    expect(out.notes.some((n) => n.includes('no response within 2000 ms; retry 2 of 5'))).toBe(true);
  });

  it('reports timeouts on every attempt', async () => {
    const s = await start({ records: 5, faults: [{ page: 1, fault: { kind: 'hang' } }] });
    const error = await failure(pageSource(s, { retry: { ...FAST, attempts: 2, timeoutMs: 100 } }));
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/page?pageNumber=1&pageSize=10 (page 1): no response within 100 ms on each of 2 attempts. The API is too slow or hanging; the load was not committed. Fix: retry later, raise retry.timeoutMs, or request smaller pages"`,
    );
  });

  it('honours Retry-After on 429 (measured by the server)', async () => {
    const s = await start({
      records: 5,
      faults: [{ page: 1, times: 1, fault: { kind: 'status', status: 429, retryAfter: '1' } }],
    });
    const out = await extractAll(pageSource(s));
    expect(out.rows).toHaveLength(5);
    const [first, second] = s.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  it('fails at once when Retry-After exceeds retry.maxRetryAfterMs', async () => {
    const s = await start({
      records: 5,
      faults: [{ page: 1, fault: { kind: 'status', status: 429, retryAfter: '3600' } }],
    });
    const error = await failure(pageSource(s));
    expect(error.message).toContain('HTTP 429 with Retry-After 3600 s, longer than retry.maxRetryAfterMs');
    expect(s.requests).toHaveLength(1);
  });

  it('does not retry other 4xx', async () => {
    const s = await start({ records: 5 });
    const error = await failure(
      http({ url: `${s.origin}/nothing`, records: 'data', pagination: { kind: 'none' } }),
    );
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/nothing (page 1): HTTP 404 Not Found (body: {"errcode":404,"errmsg":"no route /nothing"}). The API refused the request (not retried); the load was not committed. Fix: check the url"`,
    );
    expect(error.retryable).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('retries network errors and reports them', async () => {
    const s = await start();
    const { origin } = s;
    await s.close();
    server = undefined;
    const source = http({
      url: `${origin}/all`,
      records: 'data.list',
      pagination: { kind: 'none' },
      retry: FAST,
    });
    const error = await failure(source);
    expect(error.message).toMatch(
      /network error after 5 attempts \(last: ECONNREFUSED\)\. The API is unreachable/,
    );
  });
});

describe('http malformed pages', () => {
  it('an HTML page instead of JSON names the URL, the page and the start of the body', async () => {
    const s = await start({ records: 25, faults: [{ page: 2, fault: { kind: 'html' } }] });
    const error = await failure(pageSource(s));
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/page?pageNumber=2&pageSize=10 (page 2): expected JSON, got HTML (content-type text/html; charset=utf-8): <!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>网关错误</body…; the load was not committed. Fix: this is a web or gateway error page: check the url and credentials, or retry later"`,
    );
    expect(s.requests).toHaveLength(2);
  });

  it('invalid JSON', async () => {
    const s = await start({ records: 25, faults: [{ page: 3, fault: { kind: 'malformed' } }] });
    const error = await failure(pageSource(s));
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:PORT\/page\?pageNumber=3&pageSize=10 \(page 3\): invalid JSON \(.+\): \{"errcode":0,"data":\{"list":\[\{"身份号码":"650102\*{8}0014","姓名":"王; the load was not committed\. Fix: /,
    );
  });

  it('a non-array at the records path lists the top-level keys', async () => {
    const s = await start({ records: 5 });
    const error = await failure(pageSource(s, { records: 'data.rows' }));
    expect(error.message).toContain(
      '(page 1): expected an array of records at "data.rows"; got nothing (top-level keys: errcode, errmsg, data)',
    );
  });

  it('an errcode envelope error carries errmsg', async () => {
    const s = await start({
      records: 25,
      faults: [{ page: 2, fault: { kind: 'envelope', errcode: 10004, errmsg: '请求超过次数限制' } }],
    });
    const error = await failure(pageSource(s));
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/page?pageNumber=2&pageSize=10 (page 2): the API answered errcode 10004: 请求超过次数限制 (ok: 0); the load was not committed. Fix: act on the message (credentials, parameters, quota), or add the code to envelope.okValues if it means success"`,
    );
  });
});

describe('http repeated pages', () => {
  it('an API that ignores pageNumber is stopped by the loop guard', async () => {
    const s = await start({ records: 25, ignorePage: true });
    const error = await failure(pageSource(s));
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/page?pageNumber=2&pageSize=10 (page 2): page 2 repeats page 1: the API ignores "pageNumber" and served the same records again; the load was not committed. Fix: check pagination parameter names and pagination.in (query or body) against the API documentation, or set stop.totalPath so paging stops at the total"`,
    );
    expect(s.requests).toHaveLength(2);
  });

  it('a full page served twice mid-stream is an error', async () => {
    const s = await start({ records: 45, faults: [{ page: 3, fault: { kind: 'repeat' } }] });
    const error = await failure(pageSource(s));
    expect(error.message).toContain('(page 3): page 3 repeats page 2');
  });

  it('a short last page served again for out-of-range pages stops cleanly', async () => {
    const s = await start({ records: 25, outOfRange: 'last' });
    const out = await extractAll(pageSource(s));
    expect(column(out, '身份号码')).toEqual(ids(s));
    expect(out.notes).toContain(
      'page 4 repeats page 3 (a short last page of 5 records): the API serves its last page again for out-of-range pages; stopped there',
    );
  });

  it('a full last page served again is ambiguous: an error, unless stop.totalPath is set', async () => {
    const s = await start({ records: 30, outOfRange: 'last' });
    expect((await failure(pageSource(s))).message).toContain('page 4 repeats page 3');
    const out = await extractAll(pageSource(s, { stop: { totalPath: 'data.total' } }));
    expect(column(out, '身份号码')).toEqual(ids(s));
  });

  it('a cursor that comes back again is a loop', async () => {
    const s = await start({ records: 25, faults: [{ page: 2, fault: { kind: 'repeat' } }] });
    const error = await failure(
      http({
        url: `${s.origin}/cursor`,
        records: 'data.list',
        pagination: { kind: 'cursor', nextCursorPath: 'data.nextCursor' },
      }),
    );
    expect(error.message).toContain('(page 2): page 2 repeats page 1: the API ignores "cursor"');
  });
});

describe('http auth and signing', () => {
  const secret = 'S3cr3t-应用密钥';
  const algorithms = ['md5', 'sha256', 'sm3', 'hmac-sha256'] as const;

  it.each(algorithms)('a %s signature is accepted', async (algorithm) => {
    const s = await start({ records: 12, signing: { appId: 'A0001', appSecret: secret, algorithm } });
    const out = await extractAll(
      pageSource(s, { sign: appSignature({ appId: 'A0001', appSecret: secret, algorithm }) }),
    );
    expect(out.rows).toHaveLength(12);
    // Signed anew for each timestamp (two requests in the same millisecond share one, on a fast machine).
    const signs = s.requests.map((r) => `${r.headers.timestamp}:${r.headers.sign}`);
    const stamps = new Set(s.requests.map((r) => r.headers.timestamp));
    expect(new Set(signs).size).toBe(stamps.size);
    expect(new Set(s.requests.map((r) => r.headers.sign)).size).toBe(stamps.size);
    expect(s.requests[0]?.headers.appid).toBe('A0001');
  });

  it('a wrong secret is rejected with 401, not retried, and the signature is not in the message', async () => {
    const s = await start({ records: 12, signing: { appId: 'A0001', appSecret: secret, algorithm: 'md5' } });
    const source = pageSource(s, { sign: appSignature({ appId: 'A0001', appSecret: 'wrong-secret' }) });
    const error = await failure(source);
    const sent = String(s.requests[0]?.headers.sign);
    expect(s.requests).toHaveLength(1);
    expect(error.message).not.toContain(sent);
    expect(error.message).not.toContain('wrong-secret');
    expect(error.message).toMatchInlineSnapshot(
      `"GET http://127.0.0.1:PORT/page?pageNumber=1&pageSize=10 (page 1): HTTP 401 Unauthorized (body: {"errcode":40001,"errmsg":"签名错误 (sign *** rejected)"}). The API refused the request (not retried); the load was not committed. Fix: check auth.bearer or the sign hook (app id, secret, algorithm) and that the clock is right"`,
    );
    expect((await source.check()).ok).toBe(false);
  });

  it('signs the documented string: HASH(appId + timestamp + appSecret)', () => {
    const options = {
      appId: 'A0001',
      appSecret: secret,
      algorithm: 'md5',
      fields: 'appId+timestamp+secret',
      timestampUnit: 'ms',
      uppercase: false,
      in: 'header',
      names: { appId: 'appId', timestamp: 'timestamp', sign: 'sign', nonce: 'nonce' },
    } as const;
    const md5 = createHash('md5').update(`A00011700000000000${secret}`).digest('hex');
    expect(computeAppSign(options, '1700000000000', 'n')).toBe(md5);
    const swapped = createHash('sm3').update(`A0001${secret}1700000000`).digest('hex').toUpperCase();
    expect(
      computeAppSign(
        { ...options, algorithm: 'sm3', fields: 'appId+secret+timestamp', uppercase: true },
        '1700000000',
        'n',
      ),
    ).toBe(swapped);
  });

  it('signature parameters can go in the query, where sign is redacted from locations', async () => {
    const s = await start({ records: 5 });
    const sign = appSignature({
      appId: 'A0001',
      appSecret: secret,
      in: 'query',
      fields: 'appId+timestamp+nonce+secret',
    });
    const out = await extractAll(
      http({ url: `${s.origin}/all`, records: 'data.list', pagination: { kind: 'none' }, sign }),
    );
    const query = s.requests[0]?.query ?? {};
    expect(Object.keys(query).sort()).toEqual(['appId', 'nonce', 'sign', 'timestamp']);
    const expected = createHash('md5').update(`A0001${query.timestamp}${query.nonce}${secret}`).digest('hex');
    expect(query.sign).toBe(expected);
    expect(out.locations.join('\n')).not.toContain(expected);
  });

  it('sends a bearer token and redacts secrets from describe(), errors and notes', async () => {
    const token = 'tok-9f8e7d6c5b4a';
    const s = await start({ records: 25, bearer: token });
    const options = {
      url: `${s.origin}/page?access_token=${token}&region=650000`,
      records: 'data.list',
      pagination: PAGE,
      headers: { 'X-Api-Key': 'key-123456', 'X-Dept': 'gat' },
      auth: { bearer: token },
      sign: appSignature({ appId: 'A0001', appSecret: secret }),
      retry: FAST,
    } as const;
    const out = await extractAll(http(options));
    expect(out.rows).toHaveLength(25);
    const description = JSON.stringify(http(options).describe());
    for (const leaked of [token, 'key-123456', secret]) expect(description).not.toContain(leaked);
    expect(description).toContain('appSignature(md5 of appId+timestamp+secret, appId=A0001, in header)');
    expect(http(options).describe().source).toBe(`${s.origin}/page?access_token=***&region=650000`);

    // The server echoes the token it rejects; the error must not carry it.
    const bad = http({ ...options, url: `${s.origin}/page`, auth: { bearer: 'tok-wrong-000000' } });
    const error = await failure(bad);
    expect(error.message).toContain('token invalid: Bearer ***');
    expect(error.message).not.toContain('tok-wrong-000000');

    s.faults.push({ page: 1, times: 1, fault: { kind: 'status', status: 502 } });
    const retried = await extractAll(http(options));
    expect(retried.notes.some((n) => n.includes('HTTP 502; retry 2 of 5'))).toBe(true);
    expect(retried.notes.join('\n')).not.toContain(token);
  });
});

describe('http rate limit, abort, incremental, check, options', () => {
  it('spaces requests at least 1/requestsPerSecond apart (server-side timestamps)', async () => {
    const s = await start({ records: 50 });
    await extractAll(pageSource(s, { rateLimit: { requestsPerSecond: 4 } }));
    expect(s.requests).toHaveLength(6);
    // Arrival times jitter around the client's 250 ms spacing (by tens of ms, at times more, when two suites share
    // two cores: a late first arrival shortens the next gap); the limiter schedules on a fixed grid, so the time
    // since the first request never falls behind k intervals by more than that jitter. Half an interval of
    // tolerance keeps the check clear of the jitter: without the limiter the six arrive within ms.
    const t0 = s.requests[0]!.at;
    s.requests.slice(1).forEach((r, i) => {
      expect(r.at - s.requests[i]!.at).toBeGreaterThanOrEqual(250 - 125);
      expect(r.at - t0).toBeGreaterThanOrEqual((i + 1) * 250 - 125);
    });
  });

  it('aborts a hanging request through ctx.signal', async () => {
    const s = await start({ records: 25, faults: [{ page: 2, fault: { kind: 'hang' } }] });
    const controller = new AbortController();
    void s.waitForRequests(2).then(() => controller.abort());
    const run = extractAll(pageSource(s, { retry: { ...FAST, timeoutMs: 60_000 } }), {
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.requests).toHaveLength(2);
  });

  it('does not start when the signal is already aborted', async () => {
    const s = await start({ records: 5 });
    await expect(extractAll(pageSource(s), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(s.requests).toHaveLength(0);
  });

  it('sends the incremental cursor as incrementalParam, or notes that the loader filters', async () => {
    const s = await start({ records: 5 });
    const incremental = { column: '更新时间', after: '2024-01-01T00:00:00' };
    await extractAll(pageSource(s, { incrementalParam: 'updatedAfter' }), { incremental });
    expect(s.requests[0]?.query.updatedAfter).toBe('2024-01-01T00:00:00');
    const out = await extractAll(pageSource(s), { incremental });
    expect(out.notes).toContain(
      'incremental on 更新时间: no incrementalParam, so every page is read and the loader filters',
    );
  });

  it('check() reads the first page', async () => {
    const s = await start({ records: 25 });
    const result = await pageSource(s).check();
    expect({ ...result, message: normalise(result.message) }).toEqual({
      ok: true,
      message: 'http://127.0.0.1:PORT/page: reachable, page 1 has 10 records (8 columns)',
    });
  });

  it('is registered and validated when defined', () => {
    expect(connectorKinds()).toContain('http');
    const ok = createConnector('http', {
      url: 'https://example.gov.cn/api',
      records: 'data',
      pagination: { kind: 'none' },
    });
    expect(ok.describe().options).toMatchObject({ method: 'GET', flatten: true, extraColumn: '_extra' });
    expect(() => http({ url: 'ftp://x', records: 'data', pagination: { kind: 'none' } })).toThrow(
      DefinitionError,
    );
    expect(() =>
      http({ url: 'https://x.cn', records: 'data', pagination: { kind: 'pages' } as never }),
    ).toThrow(/pagination/);
    expect(() =>
      http({ url: 'https://x.cn', records: 'data', pagination: { kind: 'none' }, body: { a: 1 } }),
    ).toThrow(/body: a body is sent only with method: "POST"/);
    expect(() => appSignature({ appId: 'A', appSecret: '' })).toThrow(DefinitionError);
    expect(() =>
      http({
        url: 'https://x.cn',
        records: 'data',
        pagination: { kind: 'none' },
        headers: { 'X-Dept': '公安厅' },
      }),
    ).toThrow(/headers\.X-Dept: .*percent-encode/);
  });

  it('a signing hook that makes an unsendable header fails at once, without retries', async () => {
    const s = await start({ records: 5 });
    const sign = () => ({ headers: { 'X-Signer': '张三' } });
    const error = await failure(
      http({ url: `${s.origin}/all`, records: 'data.list', pagination: { kind: 'none' }, sign }),
    );
    expect(error.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:PORT\/all \(page 1\): the request could not be sent \(/,
    );
    expect(error.retryable).toBe(false);
    expect(s.requests).toHaveLength(0);
  });
});
