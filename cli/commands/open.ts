import type { Command } from 'commander';
import {
  exportOpen,
  type GovernanceContext,
  listResourceVersions,
  OPEN_FORMATS,
  type OpenFormat,
  openCatalog,
  takeOffline,
} from '../../governance/index.ts';
import { createAlerter, type LoadedProject } from '../../project/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

/** Every problem of the open command line: the format, the project folder and --at. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.choice('--format', options.format, OPEN_FORMATS);
  problems.integer(
    '--only-version',
    options.onlyVersion as string | undefined,
    1,
    1_000_000,
    '--only-version 2',
  );
  checkGovernanceArguments(options, problems);
}

type OpenOptions = GovernanceOptions & {
  out?: string;
  format: string;
  reopen?: boolean;
  onlyVersion?: string;
  superseded?: boolean;
  reason?: string;
};

const alerterOf = (loaded: LoadedProject) =>
  createAlerter(loaded.project.alerts ?? [], {
    project: loaded.project.name,
    node: { id: loaded.project.node.id, name: loaded.project.node.name },
  });

/** `open offline CODE [--only-version N | --superseded]`: versions (or the whole resource) taken offline. */
async function offline(
  o: OpenOptions,
  codes: readonly string[],
  ctx: GovernanceContext,
  run: { actor: { operator: string; department?: string | undefined }; at: Date; loaded: LoadedProject },
): Promise<number> {
  if (codes.length !== 1) throw new CliError('open offline: name one resource code');
  if (o.onlyVersion && o.superseded)
    throw new CliError('open offline: give --only-version N or --superseded, not both');
  const out = processOutput();
  const alerts = alerterOf(run.loaded);
  const r = await takeOffline(ctx, {
    code: codes[0]!,
    version: o.onlyVersion ? Number(o.onlyVersion) : undefined,
    superseded: o.superseded,
    reason: o.reason,
    actor: run.actor,
    at: run.at,
    notify: (n) =>
      alerts.emit({
        kind: 'resource-offline',
        title: n.retired
          ? `${n.code} 已整体下线（撤回开放）`
          : `${n.code} 旧版本 ${n.versions.map((v) => `v${v}`).join('、')} 已下线${n.live ? `，现行版本 v${n.live} 继续开放` : ''}`,
        lines: [...(n.reason ? [n.reason] : []), ...n.consumers.map((c) => `${c.department} (${c.node})`)],
        at: run.at,
        details: { code: n.code, versions: n.versions, retired: n.retired, live: n.live },
      }),
  });
  await alerts.flush();
  if (o.json) out.json(r);
  else {
    for (const v of r.versions) out.data(`open offline ${r.code} v${v.version}: ${v.status} (files removed)`);
    if (!r.versions.length) out.note(`open offline ${r.code}: nothing to take offline`);
    if (r.live !== null) out.note(`open offline ${r.code}: v${r.live} stays live`);
    if (r.consumers.length) out.note(`open offline ${r.code}: ${r.consumers.length} consumer(s) notified`);
  }
  return EXIT.ok;
}

/**
 * `gongshu open catalog|export|versions|offline`: the open-data catalog (第二十七条), versioned open exports with
 * provenance metadata (第二十四条、第三十一条、第三十二条), the versions written so far, and taking versions (or a
 * whole resource) offline.
 */
export default async function open(args: unknown[], command: Command): Promise<number> {
  const [action, codes] = args as [string, string[]];
  const o = command.opts<OpenOptions>();
  const out = processOutput();
  if (action === 'offline')
    return withGovernance(o, (ctx, actor, at, loaded) => offline(o, codes, ctx, { actor, at, loaded }));
  if (action === 'catalog') {
    return withGovernance(
      o,
      async (ctx) => {
        const resources = await openCatalog(ctx);
        if (o.json) out.json({ resources });
        else if (!resources.length) out.note('no open resources (no catalog entry has an open type)');
        else
          for (const line of formatTable(
            resources.map((r) => ({
              code: r.code,
              name: r.name,
              provider: r.provider,
              open: r.openTypeLabel,
              cycle: r.updateCycle,
              columns: r.columns.length,
              state: r.state,
              live: r.liveVersion === null ? '' : `v${r.liveVersion}`,
            })),
          ))
            out.data(line);
        return EXIT.ok;
      },
      { readOnly: true },
    );
  }
  if (action === 'versions') {
    return withGovernance(
      o,
      async (ctx) => {
        const versions = (
          await Promise.all((codes.length ? codes : [undefined]).map((c) => listResourceVersions(ctx.wh, c)))
        ).flat();
        if (o.json) out.json({ versions });
        else if (!versions.length) out.note('no open resource versions yet (gongshu open export --out DIR)');
        else
          for (const line of formatTable(
            versions.map((v) => ({
              code: v.code,
              version: `v${v.version}`,
              status: v.status,
              format: v.format,
              rows: v.rows,
              live: v.liveFrom.slice(0, 16).replace('T', ' '),
              offline: v.offlineAt ? v.offlineAt.slice(0, 16).replace('T', ' ') : '',
              consumers: v.consumers.length,
              dir: v.dir,
            })),
          ))
            out.data(line);
        return EXIT.ok;
      },
      { readOnly: true },
    );
  }
  if (action !== 'export')
    throw new CliError(`open: expected catalog, export, versions or offline; got ${action}`);
  if (!o.out) throw new CliError('open export: name the output folder with --out DIR');
  return withGovernance(o, async (ctx, actor, at, loaded) => {
    const alerts = alerterOf(loaded);
    const r = await exportOpen(ctx, {
      codes,
      outDir: o.out!,
      format: o.format as OpenFormat,
      reopen: o.reopen === true,
      actor,
      at,
      notify: (n) =>
        alerts.emit({
          kind: 'resource-version',
          title: `${n.name} (${n.code}) v${n.version} 已上线${n.previous ? `，替换 v${n.previous}（旧版本保留）` : ''}`,
          lines: n.consumers.map((c) => `${c.department} (${c.node})`),
          at,
          details: { code: n.code, version: n.version, previous: n.previous, dir: n.dir },
        }),
    });
    await alerts.flush();
    if (o.json) out.json(r);
    else {
      for (const x of r.resources)
        out.data(`open export ${x.code} v${x.version}: ${x.rows.toLocaleString('en')} rows → ${x.dir}`);
      for (const s of r.skipped) out.note(`open export ${s.code}: skipped (${s.state}: ${s.reason ?? ''})`);
      for (const n of r.notified)
        out.note(`open export ${n.code} v${n.version}: ${n.consumers.length} consumer(s) notified`);
      if (!r.resources.length && !r.skipped.length) out.note('open export: no open resources');
    }
    return EXIT.ok;
  });
}
