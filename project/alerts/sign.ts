/** Webhook signing conventions of the Chinese group robots. */
import { createHmac } from 'node:crypto';

/**
 * DingTalk (钉钉) custom robot "加签": `timestamp` in milliseconds and `sign` = Base64(HMAC-SHA256(key = secret,
 * message = `${timestamp}\n${secret}`)), both appended to the webhook URL (sign URL-encoded).
 */
export function dingtalkSignedUrl(url: string, secret: string, now = Date.now()): string {
  const sign = createHmac('sha256', secret).update(`${now}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(now));
  u.searchParams.set('sign', sign);
  return u.toString();
}

/**
 * Feishu (飞书) custom robot "签名校验": `timestamp` in seconds and `sign` = Base64(HMAC-SHA256(key =
 * `${timestamp}\n${secret}`, message = empty)), sent in the JSON body.
 */
export function feishuSign(secret: string, now = Date.now()): { timestamp: string; sign: string } {
  const timestamp = String(Math.floor(now / 1000));
  const sign = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
  return { timestamp, sign };
}

/** A JSON webhook's signature header: `sha256=` + hex HMAC-SHA256 of the body with the secret. */
export function jsonSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
