/** Routes a node's events to the webhooks of its `alerts` that listen for them; sending never fails a run. */
import type { Alert, AlertEvent } from './define.ts';
import type { AlertSender } from './format.ts';
import { type AlertDelivery, postAlert } from './send.ts';

type Log = { warn(msg: string): void; info(msg: string): void };

/** Sends alerts in the background; `flush()` waits for those in flight (a CLI command does before it exits). */
export interface Alerter {
  emit(event: AlertEvent): void;
  flush(): Promise<AlertDelivery[]>;
}

/** An alerter that sends nothing (a project without alerts). */
export const NO_ALERTS: Alerter = { emit: () => undefined, flush: async () => [] };

/** An alerter for a project's alert routes. */
export function createAlerter(
  alerts: readonly Alert[],
  sender: AlertSender,
  options: { logger?: Log; fetch?: typeof fetch } = {},
): Alerter {
  if (!alerts.length) return NO_ALERTS;
  const inFlight = new Set<Promise<AlertDelivery>>();
  const done: AlertDelivery[] = [];
  return {
    emit(event) {
      for (const a of alerts) {
        if (!a.on.includes(event.kind)) continue;
        const host = new URL(a.webhook.url).host;
        const p = postAlert(a.webhook, event, sender, options.fetch ? { fetch: options.fetch } : {}).then(
          (d) => {
            if (d.ok) options.logger?.info(`alert ${event.kind} → ${a.webhook.format} ${host}: sent`);
            else
              options.logger?.warn(
                `alert ${event.kind} → ${a.webhook.format} ${host}: not delivered after ${d.attempts} tries: ${d.error}`,
              );
            done.push(d);
            inFlight.delete(p);
            return d;
          },
        );
        inFlight.add(p);
      }
    },
    async flush() {
      while (inFlight.size) await Promise.all([...inFlight]);
      return done.splice(0);
    },
  };
}
