import type { Command } from 'commander';
import {
  decideRequest,
  listRequests,
  parseAt,
  type RequestView,
  requestFromParent,
  reviewRequest,
  showRequest,
  submitRequest,
  submitToParent,
  withdrawRequest,
} from '../../governance/index.ts';
import { loadKeys, nodeContext } from '../../platform/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import {
  actorOf,
  checkGovernanceArguments,
  type GovernanceOptions,
  withGovernance,
} from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

interface RequestOptions extends GovernanceOptions {
  dataset?: string;
  columns?: string;
  purpose?: string;
  basis?: string;
  use?: string;
  commitment?: string;
  emergency?: string;
  emergencyNote?: string;
  audience?: string;
  division?: string;
  parent?: boolean;
  conform?: boolean;
  reject?: boolean;
  reason?: string;
  note?: string;
  grant?: boolean;
  refuse?: boolean;
  validUntil?: string;
  grantColumns?: string;
  allowCore?: boolean;
  overdue?: boolean;
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);

/** Human lines for a list of requests. */
function table(views: readonly RequestView[]): string[] {
  return formatTable(
    views.map((v) => ({
      id: v.id,
      status: v.status,
      dataset: v.dataset,
      requester: `${v.requesterNode} ${v.requesterDepartment}`,
      share: v.shareType,
      emergency: v.emergency ?? '',
      due: v.dueAt ? (v.emergency ? v.dueAt.slice(0, 16).replace('T', ' ') : v.dueAt.slice(0, 10)) : '',
      overdue: v.overdue ? '逾期 overdue' : '',
    })),
  );
}

/** Every problem of the request command line: names, dates, the project folder and --at. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as RequestOptions;
  problems.name('--dataset', o.dataset);
  problems.date('--valid-until', o.validUntil, '2027-12-31');
  problems.choice('--audience', o.audience, ['department', 'authorised', 'public']);
  if (o.division !== undefined && !/^\d{2,6}$/.test(o.division))
    problems.add('--division', 'a division-code prefix of 2 to 6 digits', o.division, '--division 650102');
  checkGovernanceArguments(options, problems);
}

/** One run of the command: the action, its options, the output, and the request id (when the action needs one). */
interface Invocation {
  readonly action: string;
  readonly o: RequestOptions;
  readonly out: ReturnType<typeof processOutput>;
  readonly needId: () => string;
}

/** `gongshu request submit|review|decide|withdraw|list|show`: sharing requests (第十七条、第二十一条). */
export default async function request(args: unknown[], command: Command): Promise<number> {
  const [action, id] = args as [string, string | undefined];
  const o = command.opts<RequestOptions>();
  const needId = () => {
    if (!id)
      throw new CliError(
        `request ${action}: name the request, e.g. gongshu request ${action} req-20260930020000-1a2b3c`,
      );
    return id;
  };
  const run: Invocation = { action, o, out: processOutput(), needId };
  if (action === 'submit') return submit(run);
  if (action === 'show' && o.parent) return showFromParent(run);
  if (action === 'list' || action === 'show') return listOrShow(run);
  if (action === 'review') return review(run);
  if (action === 'decide') return decide(run);
  if (action === 'withdraw') return withdraw(run);
  parseAt(o.at);
  throw new CliError(`request: expected submit, review, decide, withdraw, list or show; got ${action}`);
}

/** `request submit`: here, or to the parent node with `--parent`. */
async function submit({ o, out }: Invocation): Promise<number> {
  const missing = [
    o.dataset ? null : '--dataset DS',
    o.columns ? null : '--columns a,b',
    o.purpose ? null : '--purpose TEXT',
  ].filter(Boolean);
  if (missing.length)
    throw new CliError(
      `request submit: missing ${missing.join(', ')} (the use scenario and the minimum columns, 第十七条)`,
    );
  const body = {
    dataset: o.dataset!,
    columns: list(o.columns),
    purpose: o.purpose!,
    basis: o.basis,
    use: o.use,
    commitment: o.commitment,
    emergency: o.emergency ? { kind: o.emergency, note: o.emergencyNote } : undefined,
    audience: o.audience,
    divisionScope: o.division,
  };
  const actor = actorOf(o);
  if (!actor.department)
    throw new CliError(
      'request submit: name the requesting department with --department (e.g. --department 市民政局)',
    );
  if (o.parent) return submitUp(o, out, body, { department: actor.department, operator: actor.operator });
  return withGovernance(o, async (ctx, a, at) => {
    const r = await submitRequest(ctx, {
      ...body,
      requester: { department: a.department!, operator: a.operator },
      at,
    });
    if (o.json) out.json(r);
    else
      out.data(
        `request ${r.id}: ${r.status} (${r.shareType}${r.emergency ? `, emergency ${r.emergency}` : ''}); conformity review due ${r.conformityDue}`,
      );
    return EXIT.ok;
  });
}

/** `request submit --parent`: the request goes to the parent node, signed by this node. */
async function submitUp(
  o: RequestOptions,
  out: Invocation['out'],
  body: {
    dataset: string;
    columns: string[];
    purpose: string;
    basis: string | undefined;
    use: string | undefined;
    commitment: string | undefined;
    emergency: { kind: string; note: string | undefined } | undefined;
  },
  actor: { department: string; operator: string },
): Promise<number> {
  const { loaded } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  const keys = loadKeys(node.keysDir);
  const r = await submitToParent(node, keys, {
    dataset: body.dataset,
    columns: body.columns,
    purpose: body.purpose,
    department: actor.department,
    operator: actor.operator,
    ...(body.basis ? { basis: body.basis } : {}),
    ...(body.use ? { use: body.use } : {}),
    ...(body.commitment ? { commitment: body.commitment } : {}),
    ...(body.emergency
      ? {
          emergency: {
            kind: body.emergency.kind,
            ...(body.emergency.note ? { note: body.emergency.note } : {}),
          },
        }
      : {}),
    ...(o.audience ? { audience: o.audience as 'department' } : {}),
    ...(o.division ? { division: o.division } : {}),
  });
  if (o.json) out.json(r);
  else
    out.data(
      `request ${r.id} → node ${r.parent}: ${r.status} (${r.shareType}); conformity review due ${r.conformityDue}`,
    );
  return EXIT.ok;
}

/** `request show --parent`: a request this node sent to its parent, as the parent has it. */
async function showFromParent({ o, out, needId }: Invocation): Promise<number> {
  const { loaded } = await projectAndWarehouse(o);
  const node = nodeContext(loaded.project, loaded.dir);
  const v = await requestFromParent(node, loadKeys(node.keysDir), needId());
  if (o.json) out.json(v);
  else for (const line of table([v])) out.data(line);
  return EXIT.ok;
}

/** `request list` and `request show` (read-only). */
async function listOrShow({ action, o, out, needId }: Invocation): Promise<number> {
  return withGovernance(
    o,
    async (ctx, _a, at) => {
      if (action === 'show') {
        const { request: full, ...view } = await showRequest(ctx, needId(), at);
        if (o.json) out.json({ ...view, request: full });
        else {
          for (const line of table([view])) out.data(line);
          out.data(
            `purpose: ${full.purpose}; basis: ${full.legalBasis ?? '—'}; columns: ${full.columns.join(', ')}`,
          );
          if (full.refusalReason) out.data(`refused: ${full.refusalReason} (${full.refusalBasis})`);
        }
        return EXIT.ok;
      }
      const views = await listRequests(ctx, { at, ...(o.overdue ? { overdue: true } : {}) });
      if (o.json) out.json(views);
      else if (views.length === 0) out.note(o.overdue ? 'no overdue requests' : 'no requests');
      else for (const line of table(views)) out.data(line);
      return EXIT.ok;
    },
    { readOnly: true },
  );
}

/** `request review --conform | --reject --reason TEXT`: the conformity review. */
async function review({ o, out, needId }: Invocation): Promise<number> {
  if (Boolean(o.conform) === Boolean(o.reject))
    throw new CliError('request review: give exactly one of --conform or --reject --reason TEXT');
  if (o.reject && !o.reason?.trim())
    throw new CliError('request review: --reject needs --reason TEXT (why the request does not conform)');
  return withGovernance(o, async (ctx, actor, at) => {
    const r = await reviewRequest(
      ctx,
      o.conform
        ? { id: needId(), conform: true, note: o.note, actor, at }
        : { id: needId(), reject: o.reason!, actor, at },
    );
    if (o.json) out.json(r);
    else
      out.data(
        `request ${r.id}: ${r.status}${r.providerDue ? `; provider's answer due ${r.providerDue}` : ''}${r.grantId ? `; grant ${r.grantId}` : ''}`,
      );
    return EXIT.ok;
  });
}

/** `request decide --grant | --refuse`: the providing department's answer. */
async function decide({ o, out, needId }: Invocation): Promise<number> {
  if (Boolean(o.grant) === Boolean(o.refuse))
    throw new CliError('request decide: give exactly one of --grant or --refuse --reason TEXT --basis TEXT');
  return withGovernance(o, async (ctx, actor, at) => {
    const r = o.grant
      ? await decideRequest(ctx, {
          id: needId(),
          grant: { columns: list(o.grantColumns), validUntil: o.validUntil, allowCore: o.allowCore },
          actor,
          at,
        })
      : await decideRequest(ctx, { id: needId(), refuse: { reason: o.reason, basis: o.basis }, actor, at });
    if (o.json) out.json(r);
    else out.data(`request ${r.id}: ${r.status}${r.grantId ? `; grant ${r.grantId}` : ''}`);
    return EXIT.ok;
  });
}

/** `request withdraw`: the requester takes the request back. */
async function withdraw({ o, out, needId }: Invocation): Promise<number> {
  return withGovernance(o, async (ctx, actor, at) => {
    const r = await withdrawRequest(ctx, { id: needId(), reason: o.reason, actor, at });
    if (o.json) out.json(r);
    else out.data(`request ${r.id}: withdrawn`);
    return EXIT.ok;
  });
}
