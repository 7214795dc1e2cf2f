/** Alerts to a local webhook: each robot format, DingTalk's and Feishu's signatures, retries, and events from real runs. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memory } from '../../connectors/index.ts';
import { theme } from '../../jobs/index.ts';
import { citizenId, definePipeline } from '../../pipelines/index.ts';
import {
  alertSchema,
  createAlerter,
  defineProject,
  postAlert,
  runBuildTask,
  runPipelinesTask,
  runQualityTask,
  type TaskContext,
} from '../../project/index.ts';
import { defineQuality, notNull } from '../../quality/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

interface Received {
  url: URL;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** Answers to give, in order (then 200 {}). */
let answers: { status: number; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (d) => {
      data += d;
    });
    req.on('end', () => {
      received.push({ url: new URL(req.url!, base), headers: req.headers, body: JSON.parse(data) });
      const a = answers.shift() ?? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received.length = 0;
  answers = [];
});

const sender = { project: 'tianshan', node: { id: '650102', name: '天山区' } };
const event = {
  kind: 'gate-blocked' as const,
  title: 'build theme.x blocked by a quality gate',
  lines: ['hukou fails error rule key-valid (pass rate 94.74% < mostly 99.00%)'],
  runId: 'build-1',
};
const webhook = (w: Record<string, unknown>) =>
  alertSchema.parse({ on: ['gate-blocked'], webhook: { backoffMs: 10, ...w } }).webhook;

describe('webhooks', () => {
  it('signs DingTalk URLs: timestamp (ms) and sign = Base64(HMAC-SHA256(secret, timestamp \\n secret))', async () => {
    const secret = 'SEC0123456789abcdef';
    const d = await postAlert(
      webhook({ url: `${base}/robot/send?access_token=abc`, format: 'dingtalk', secret }),
      event,
      sender,
    );
    expect(d).toEqual({ ok: true, attempts: 1 });
    const { url, body } = received[0]!;
    expect(url.searchParams.get('access_token')).toBe('abc');
    const timestamp = url.searchParams.get('timestamp')!;
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(60_000);
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(url.searchParams.get('sign')).toBe(expected);
    expect(body).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: expect.stringContaining('质量门禁拦截'),
        text: expect.stringContaining(
          '### 【公数】天山区 (650102) 质量门禁拦截: build theme.x blocked by a quality gate',
        ),
      },
    });
  });

  it('writes WeCom markdown, Feishu text with its signature, and JSON with an HMAC header', async () => {
    await postAlert(webhook({ url: `${base}/wecom`, format: 'wecom' }), event, sender);
    expect(received[0]!.body).toMatchObject({
      msgtype: 'markdown',
      markdown: { content: expect.stringContaining('> hukou fails') },
    });
    await postAlert(webhook({ url: `${base}/feishu`, format: 'feishu', secret: 'fs' }), event, sender);
    const f = received[1]!.body as { timestamp: string; sign: string; msg_type: string };
    expect(f.msg_type).toBe('text');
    expect(f.sign).toBe(createHmac('sha256', `${f.timestamp}\nfs`).update('').digest('base64'));
    await postAlert(webhook({ url: `${base}/json`, format: 'json', secret: 'k' }), event, sender);
    const j = received[2]!;
    expect(j.body).toMatchObject({
      event: 'gate-blocked',
      label: '质量门禁拦截',
      runId: 'build-1',
      node: { id: '650102' },
    });
    expect(j.headers['x-gongshu-signature']).toBe(
      `sha256=${createHmac('sha256', 'k').update(JSON.stringify(j.body)).digest('hex')}`,
    );
    expect(() => webhook({ url: `${base}/w`, format: 'wecom', secret: 'x' })).toThrow(/does not sign/);
  });

  it('retries 5xx and rate limits with backoff, and gives up at once on a refused message', async () => {
    answers = [
      { status: 502, body: 'bad gateway' },
      { status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' },
    ];
    expect(await postAlert(webhook({ url: `${base}/r`, format: 'dingtalk' }), event, sender)).toEqual({
      ok: true,
      attempts: 3,
    });
    expect(received).toHaveLength(3);
    answers = [{ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' }];
    const refused = await postAlert(webhook({ url: `${base}/r`, format: 'dingtalk' }), event, sender);
    expect(refused).toEqual({
      ok: false,
      attempts: 1,
      error: 'the robot answered error 310000 (keywords not in content)',
    });
    answers = Array.from({ length: 4 }, () => ({ status: 500, body: '' }));
    expect(await postAlert(webhook({ url: `${base}/r`, attempts: 4 }), event, sender)).toMatchObject({
      ok: false,
      attempts: 4,
    });
  });
});

describe('alerts from runs', () => {
  it('posts run-failed, error-rule-failed and gate-blocked events to the routes that listen for them', async () => {
    const dir = tempDir();
    const body = '65010219800101100';
    const { citizenIdCheckChar } = await import('../../schemas/index.ts');
    const id = body + citizenIdCheckChar(body);
    const good = definePipeline({
      name: 'reg',
      source: memory({ name: 'reg', columns: ['id', 'name'], rows: [[id, null]] }),
      dataset: { name: 'reg', key: citizenId('id') },
    });
    const broken = definePipeline({
      name: 'broken',
      source: {
        ...memory({ name: 'b', columns: ['id'], rows: [] }),
        extract: () => {
          throw new Error('department database unreachable');
        },
      },
      dataset: { name: 'broken', key: citizenId('id') },
    });
    const project = defineProject({
      name: 'alerting',
      node: { id: '650102', level: 'county', name: '天山区' },
      pipelines: [good, broken],
      quality: [defineQuality('reg', { rules: [notNull('name')] })],
      models: [theme({ name: 'by_name', sql: "SELECT name FROM {{ ref('reg') }}" })],
      alerts: [
        {
          on: ['run-failed', 'gate-blocked'],
          webhook: { url: `${base}/ops`, format: 'json', backoffMs: 10 },
        },
        {
          on: ['error-rule-failed'],
          webhook: { url: `${base}/quality`, format: 'dingtalk', secret: 's', backoffMs: 10 },
        },
      ],
    });
    const wh = await openWarehouse({ path: ':memory:' });
    const alerts = createAlerter(project.alerts, sender);
    const ctx: TaskContext = { wh, loaded: { project, dir, file: `${dir}/gongshu.config.ts` }, alerts };
    await runPipelinesTask(ctx);
    await runQualityTask(ctx, { datasets: ['reg'], reportsDir: dir });
    await runBuildTask(ctx);
    await alerts.flush();
    wh.close();
    const ops = received.filter((r) => r.url.pathname === '/ops').map((r) => r.body);
    expect(ops.map((b) => b.event)).toEqual(['run-failed', 'gate-blocked']);
    expect(ops[0]).toMatchObject({
      title: 'pipeline broken failed',
      lines: ['broken: department database unreachable'],
    });
    expect(ops[1]).toMatchObject({
      title: 'build theme.by_name blocked by a quality gate',
      lines: ['reg fails error rule not-null:name (pass rate 0% < mostly 100%)'],
    });
    const quality = received.filter((r) => r.url.pathname === '/quality');
    expect(quality).toHaveLength(1);
    expect(quality[0]!.url.searchParams.get('sign')).toBeTruthy();
    expect((quality[0]!.body as { markdown: { text: string } }).markdown.text).toContain(
      'reg not-null:name: 1 of 1 failed',
    );
  });
});
