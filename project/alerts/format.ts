/** The bodies each webhook format posts for an alert. */
import type { AlertEvent, Webhook } from './define.ts';
import { feishuSign } from './sign.ts';

/** Who sends: the node and its project. */
export interface AlertSender {
  readonly project: string;
  readonly node: { readonly id: string; readonly name: string };
}

/** Chinese names of the events (the robots post into bureau work groups). */
export const EVENT_LABELS: Readonly<Record<AlertEvent['kind'], string>> = {
  'run-failed': '运行失败',
  'gate-blocked': '质量门禁拦截',
  'error-rule-failed': '错误级质量规则未通过',
  'freshness-overdue': '数据更新超期',
  anomaly: '指标异常',
  'resource-version': '开放资源新版本上线',
  'resource-offline': '开放资源版本下线',
};

const heading = (e: AlertEvent, s: AlertSender) =>
  `【公数】${s.node.name} (${s.node.id}) ${EVENT_LABELS[e.kind]}: ${e.title}`;

const plain = (e: AlertEvent, s: AlertSender) =>
  [heading(e, s), ...e.lines.map((l) => `- ${l}`), ...(e.runId ? [`run ${e.runId}`] : [])].join('\n');

/** The JSON body of an alert for a webhook's format (Feishu bodies carry the signature when a secret is set). */
export function alertBody(e: AlertEvent, s: AlertSender, webhook: Webhook, now = Date.now()): unknown {
  switch (webhook.format) {
    case 'dingtalk':
      return {
        msgtype: 'markdown',
        markdown: {
          title: `${EVENT_LABELS[e.kind]}: ${e.title}`.slice(0, 60),
          text: [
            `### ${heading(e, s)}`,
            ...e.lines.map((l) => `- ${l}`),
            ...(e.runId ? [`\nrun \`${e.runId}\``] : []),
          ].join('\n'),
        },
      };
    case 'wecom':
      return {
        msgtype: 'markdown',
        markdown: {
          content: [
            `**${heading(e, s)}**`,
            ...e.lines.map((l) => `> ${l}`),
            ...(e.runId ? [`run ${e.runId}`] : []),
          ].join('\n'),
        },
      };
    case 'feishu':
      return {
        ...(webhook.secret ? feishuSign(webhook.secret, now) : {}),
        msg_type: 'text',
        content: { text: plain(e, s) },
      };
    default:
      return {
        event: e.kind,
        label: EVENT_LABELS[e.kind],
        title: e.title,
        lines: e.lines,
        runId: e.runId ?? null,
        project: s.project,
        node: s.node,
        at: (e.at ?? new Date(now)).toISOString(),
        details: e.details ?? {},
      };
  }
}
