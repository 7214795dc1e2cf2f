import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { citizenIdCheckChar } from '../../schemas/checksums.ts';

/** One record of the served dataset (a household-register extract with a nested address). */
export interface Person {
  身份号码: string;
  姓名: string;
  性别: string;
  出生日期: string;
  住址: { 省: string; 市: string };
  标签: string[];
  序号: number;
}

/** A fault the server injects instead of the normal answer. */
export type FaultKind =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'hang' }
  | { kind: 'html' }
  | { kind: 'malformed' }
  | { kind: 'repeat' }
  | { kind: 'envelope'; errcode: number; errmsg: string };

/** When a fault applies: on a page (1-based) or on the n-th request, at most `times` times (default always). */
export interface Fault {
  page?: number;
  request?: number;
  times?: number;
  fault: FaultKind;
}

/** How the server behaves. */
export interface FaultServerOptions {
  /** Records in the dataset; defaults to 25. */
  records?: number;
  /** `/page` beyond the last page: an empty list (default) or the last page again. */
  outOfRange?: 'empty' | 'last';
  /** `/page` ignores pageNumber and always serves page 1. */
  ignorePage?: boolean;
  /** Verify `sign = HASH(appId + timestamp + appSecret)` headers (names appId, timestamp, sign). */
  signing?: { appId: string; appSecret: string; algorithm: 'md5' | 'sha256' | 'sm3' | 'hmac-sha256' };
  /** Require `Authorization: Bearer <token>`. */
  bearer?: string;
  /** Records from this index on carry a key the first page lacks (联系电话). */
  extraKeyFrom?: number;
  faults?: Fault[];
}

/** A request as the server saw it, with its arrival time (performance.now()). */
export interface SeenRequest {
  n: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | undefined;
  page: number | undefined;
}

/** A running fault server. */
export interface FaultServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  readonly people: readonly Person[];
  readonly requests: SeenRequest[];
  readonly faults: Fault[];
  /** Resolves when the server has seen `n` requests. */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

const SURNAMES = ['艾合买提', '古丽娜尔', '王', '李', '张', '阿依古丽', '热合曼', '刘'];
const CITIES = ['乌鲁木齐市', '喀什地区', '伊犁哈萨克自治州', '克拉玛依市'];

/** `n` deterministic people with valid citizen identity numbers. */
export function makePeople(n: number): Person[] {
  return Array.from({ length: n }, (_, i) => {
    const birth = `19${String(50 + (i % 50)).padStart(2, '0')}${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}`;
    const body = `650102${birth}${String(i % 1000).padStart(3, '0')}`;
    return {
      身份号码: body + citizenIdCheckChar(body),
      姓名: `${SURNAMES[i % SURNAMES.length]}${i + 1}`,
      性别: i % 2 === 0 ? '男' : '女',
      出生日期: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
      住址: { 省: '新疆维吾尔自治区', 市: CITIES[i % CITIES.length]! },
      标签: i % 3 === 0 ? ['低保', '独居'] : [],
      序号: i + 1,
    };
  });
}

const CURSOR_PAGE = 10;
const LINK_PAGE = 7;

function sign(algorithm: string, appId: string, timestamp: string, secret: string): string {
  return algorithm === 'hmac-sha256'
    ? createHmac('sha256', secret)
        .update(appId + timestamp)
        .digest('hex')
    : createHash(algorithm)
        .update(appId + timestamp + secret)
        .digest('hex');
}

/**
 * Starts a `node:http` server on 127.0.0.1 (a free port) serving `people` through `/page` (pageNumber/pageSize,
 * GET query or POST body, errcode envelope with data.total and data.list), `/offset` (offset/limit), `/cursor`
 * (cursor → data.nextCursor), `/link` (links.next), `/all` (no paging) and `/big` (identity numbers as bare JSON
 * numbers), injecting `faults`.
 */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const people: (Person & { 联系电话?: string })[] = makePeople(options.records ?? 25).map((p, i) =>
    options.extraKeyFrom !== undefined && i >= options.extraKeyFrom
      ? { ...p, 联系电话: `1380000${String(i).padStart(4, '0')}` }
      : p,
  );
  const requests: SeenRequest[] = [];
  const faults = [...(options.faults ?? [])];
  const hanging = new Set<ServerResponse>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const lastServed = new Map<string, unknown[]>();

  const json = (
    res: ServerResponse,
    status: number,
    value: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(value));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
      const param = (name: string): string | undefined => {
        const fromBody = body?.[name];
        return fromBody !== undefined ? String(fromBody) : (url.searchParams.get(name) ?? undefined);
      };
      const path = url.pathname;
      const page = pageOf(path, param);
      const seen: SeenRequest = {
        n: requests.length + 1,
        at,
        method: req.method ?? 'GET',
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        page,
      };
      requests.push(seen);
      for (const waiter of waiters.filter((w) => requests.length >= w.n)) waiter.resolve();

      if (options.bearer !== undefined && req.headers.authorization !== `Bearer ${options.bearer}`) {
        json(res, 401, { errcode: 40100, errmsg: `token invalid: ${req.headers.authorization ?? 'none'}` });
        return;
      }
      if (options.signing !== undefined) {
        const { appId, appSecret, algorithm } = options.signing;
        const ts = String(req.headers.timestamp ?? '');
        const expected = sign(algorithm, appId, ts, appSecret);
        const fresh = Math.abs(Date.now() - Number(ts)) < 300_000;
        if (req.headers.appid !== appId || !fresh || req.headers.sign !== expected) {
          json(res, 401, { errcode: 40001, errmsg: `签名错误 (sign ${String(req.headers.sign)} rejected)` });
          return;
        }
      }

      const fault = takeFault(faults, seen);
      if (fault?.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, {
          'content-type': 'application/json',
          ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }),
        });
        res.end(fault.body ?? JSON.stringify({ errcode: fault.status, errmsg: 'fault' }));
        return;
      }
      if (fault?.kind === 'html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>网关错误</body></html>',
        );
        return;
      }
      if (fault?.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"errcode":0,"data":{"list":[{"身份号码":"650102195001010014","姓名":"王');
        return;
      }
      if (fault?.kind === 'envelope') {
        json(res, 200, { errcode: fault.errcode, errmsg: fault.errmsg, data: null });
        return;
      }

      const serve = (list: unknown[]): unknown[] => {
        const out = fault?.kind === 'repeat' ? (lastServed.get(path) ?? list) : list;
        lastServed.set(path, out);
        return out;
      };
      switch (path) {
        case '/page': {
          const size = Number(param('pageSize') ?? 10);
          let number = options.ignorePage ? 1 : Number(param('pageNumber') ?? 1);
          const pages = Math.max(1, Math.ceil(people.length / size));
          if (number > pages && options.outOfRange === 'last') number = pages;
          const list = serve(people.slice((number - 1) * size, number * size));
          json(res, 200, { errcode: 0, errmsg: 'ok', data: { total: people.length, list } });
          return;
        }
        case '/offset': {
          const offset = Number(param('offset') ?? 0);
          const limit = Number(param('limit') ?? 10);
          json(res, 200, { errcode: 0, data: { list: serve(people.slice(offset, offset + limit)) } });
          return;
        }
        case '/cursor': {
          const cursor = param('cursor');
          const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString());
          const end = start + CURSOR_PAGE;
          const nextCursor = end < people.length ? Buffer.from(String(end)).toString('base64url') : null;
          json(res, 200, { data: { list: serve(people.slice(start, end)), nextCursor } });
          return;
        }
        case '/link': {
          const p = Number(url.searchParams.get('p') ?? 1);
          const items = serve(people.slice((p - 1) * LINK_PAGE, p * LINK_PAGE));
          const next = p * LINK_PAGE < people.length ? `/link?p=${p + 1}` : null;
          json(res, 200, { items, links: { next } });
          return;
        }
        case '/all':
          json(res, 200, { data: { list: serve(people) } });
          return;
        case '/big': {
          const rows = people.slice(0, 3).map((p) => `{"身份号码":${p.身份号码.slice(0, 17)}1,"金额":12.50}`);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"data":[${rows.join(',')}]}`);
          return;
        }
        default:
          json(res, 404, { errcode: 404, errmsg: `no route ${path}` });
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    people,
    requests,
    faults,
    waitForRequests(n) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pageOf(path: string, param: (name: string) => string | undefined): number | undefined {
  switch (path) {
    case '/page':
      return Number(param('pageNumber') ?? 1);
    case '/offset':
      return Math.floor(Number(param('offset') ?? 0) / Number(param('limit') ?? 10)) + 1;
    case '/cursor': {
      const cursor = param('cursor');
      return cursor === undefined ? 1 : Number(Buffer.from(cursor, 'base64url').toString()) / CURSOR_PAGE + 1;
    }
    case '/link':
      return Number(param('p') ?? 1);
    default:
      return 1;
  }
}

function takeFault(faults: Fault[], seen: SeenRequest): FaultKind | undefined {
  const fault = faults.find(
    (f) =>
      (f.times === undefined || f.times > 0) &&
      (f.request === undefined || f.request === seen.n) &&
      (f.page === undefined || f.page === seen.page),
  );
  if (fault === undefined) return undefined;
  if (fault.times !== undefined) fault.times -= 1;
  return fault.fault;
}
