/** The `alerts` of a project: which events go to which webhook (DingTalk, WeCom, Feishu robots or plain JSON). */
import { z } from 'zod';

/**
 * Events a node alerts on. `run-failed`: a run of any kind failed (pipeline, build node, quality, report, push,
 * schedule, backfill); `gate-blocked`: a quality gate blocked a model; `error-rule-failed`: an error-severity
 * quality rule failed; `freshness-overdue`: a timeliness freshness rule failed (a dataset or its rows are
 * older than allowed); `anomaly`: a metric left its usual range; `resource-version`: a new version of an open
 * resource is live, told to the consumers recorded for it (第二十四条); `resource-offline`: versions of an open resource (or
 * the whole resource) were taken offline, told to them too. Later issues add more here.
 */
export const ALERT_EVENTS = [
  'run-failed',
  'gate-blocked',
  'error-rule-failed',
  'freshness-overdue',
  'anomaly',
  'resource-version',
  'resource-offline',
] as const;
/** An alert event kind. */
export type AlertEventKind = (typeof ALERT_EVENTS)[number];

/** Message formats of the webhooks. */
export const WEBHOOK_FORMATS = ['json', 'dingtalk', 'wecom', 'feishu'] as const;

/** One alert route: the events, and the webhook they are posted to. */
export const alertSchema = z
  .object({
    on: z.array(z.enum(ALERT_EVENTS)).min(1).meta({ description: 'the events to post' }),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }).meta({ description: 'the robot or endpoint URL' }),
        format: z.enum(WEBHOOK_FORMATS).default('json').meta({
          description:
            'json: { event, … } as posted; dingtalk (钉钉), wecom (企业微信) or feishu (飞书) group robot messages. Defaults to json',
        }),
        secret: z.string().min(1).optional().meta({
          description:
            "signing secret: DingTalk's signed URL (timestamp + HMAC-SHA256 sign), Feishu's signed body, or for json an x-gongshu-signature header",
        }),
        attempts: z
          .number()
          .int()
          .min(1)
          .max(10)
          .default(4)
          .meta({ description: 'tries per message; defaults to 4' }),
        backoffMs: z
          .number()
          .int()
          .min(0)
          .default(1000)
          .meta({ description: 'wait before the second try, doubled after each; defaults to 1000' }),
        timeoutMs: z
          .number()
          .int()
          .positive()
          .default(10_000)
          .meta({ description: 'per try; defaults to 10 s' }),
      })
      .strict()
      .refine((w) => !(w.format === 'wecom' && w.secret), {
        message: 'a WeCom (企业微信) group robot does not sign; remove secret (its key is in the URL)',
        path: ['secret'],
      }),
  })
  .strict();

/** An alert route as written. */
export type AlertSpec = z.input<typeof alertSchema>;
/** A validated alert route. */
export type Alert = z.output<typeof alertSchema>;
/** A validated webhook. */
export type Webhook = Alert['webhook'];

/** Something that happened on the node, to alert on. */
export interface AlertEvent {
  readonly kind: AlertEventKind;
  /** One line: what happened, e.g. `build theme.births blocked by a quality gate`. */
  readonly title: string;
  /** Details, one per line (rules, datasets, errors). */
  readonly lines: readonly string[];
  /** The run it belongs to, if any. */
  readonly runId?: string;
  readonly at?: Date;
  readonly details?: Readonly<Record<string, unknown>>;
}
