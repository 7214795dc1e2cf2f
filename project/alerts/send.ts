/**
 * Posts one alert to one webhook, with retries: network errors, timeouts, 5xx and 429 are retried with
 * exponential backoff (`backoffMs`, doubled each time, `attempts` tries); a robot that answers 200 with an error
 * code (DingTalk/WeCom `errcode`, Feishu `code`) is retried when the code means "too many messages", else the
 * alert fails at once (a wrong key or keyword is not fixed by waiting).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertEvent, Webhook } from './define.ts';
import { type AlertSender, alertBody } from './format.ts';
import { dingtalkSignedUrl, jsonSignature } from './sign.ts';

/** Rate-limit answers of the robots: DingTalk 130101, WeCom 45009, Feishu 11232 (and 9499 busy). */
const RATE_LIMITED = new Set([130101, 45009, 11232, 9499, -1]);

/** The outcome of posting an alert. */
export interface AlertDelivery {
  readonly ok: boolean;
  readonly attempts: number;
  /** The last problem, when not ok. */
  readonly error?: string;
}

/** The robot's own error code in a 200 answer, or 0. */
function robotCode(body: string): { code: number; message: string } {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const code = Number(j.errcode ?? j.code ?? j.StatusCode ?? 0);
    return {
      code: Number.isFinite(code) ? code : 0,
      message: String(j.errmsg ?? j.msg ?? j.StatusMessage ?? ''),
    };
  } catch {
    return { code: 0, message: '' };
  }
}

/** Posts `event` to `webhook`; never throws (the delivery says what happened). */
export async function postAlert(
  webhook: Webhook,
  event: AlertEvent,
  sender: AlertSender,
  options: { fetch?: typeof fetch } = {},
): Promise<AlertDelivery> {
  const doFetch = options.fetch ?? fetch;
  let error = '';
  for (let attempt = 1; attempt <= webhook.attempts; attempt++) {
    if (attempt > 1) await sleep(webhook.backoffMs * 2 ** (attempt - 2));
    const now = Date.now();
    const body = JSON.stringify(alertBody(event, sender, webhook, now));
    const url =
      webhook.format === 'dingtalk' && webhook.secret
        ? dingtalkSignedUrl(webhook.url, webhook.secret, now)
        : webhook.url;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (webhook.format === 'json' && webhook.secret)
      headers['x-gongshu-signature'] = jsonSignature(body, webhook.secret);
    let retry = true;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(webhook.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        const { code, message } = robotCode(text);
        if (code === 0) return { ok: true, attempts: attempt };
        error = `the robot answered error ${code}${message ? ` (${message})` : ''}`;
        retry = RATE_LIMITED.has(code);
      } else {
        error = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
        retry = res.status >= 500 || res.status === 429 || res.status === 408;
      }
    } catch (e) {
      error =
        (e as Error).name === 'TimeoutError' ? `no answer in ${webhook.timeoutMs} ms` : (e as Error).message;
    }
    if (!retry) return { ok: false, attempts: attempt, error };
  }
  return { ok: false, attempts: webhook.attempts, error };
}
