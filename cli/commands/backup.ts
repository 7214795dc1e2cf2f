import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type BackupRunOptions,
  backupSettings,
  backupStatus,
  createBackup,
  generateMasterKey,
  journalPath,
  listBackups,
  parentLinkOf,
  pruneBackups,
  restoreBackup,
  verifyBackup,
} from '../../governance/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { isGongshuError } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { formatTable, processOutput } from '../output.ts';

type Action = 'create' | 'list' | 'verify' | 'restore' | 'prune' | 'status' | 'keygen';

interface BackupCliOptions {
  project: string;
  warehouse?: string;
  to?: string[];
  from?: string[];
  force?: boolean;
  verify?: boolean;
  prune?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const names = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** Destination errors exit 4, a refused restore 2; the rest keep their usual codes. */
function mapError(error: unknown): never {
  if (isGongshuError(error)) {
    if (error.code === 'backup-destination')
      throw new CliError(error.message, EXIT.source, { code: 'backup-destination' });
    if (error.code === 'backup' && error.details.refused)
      throw new CliError(error.message, EXIT.usage, { code: 'backup-refused' });
    if (error.code === 'warehouse-locked') {
      throw new CliError(
        `${error.message} A backup needs the writer: while gongshu serve runs, let it take backups with a schedule ({ run: { backup: {} } }), or stop it for a manual backup.`,
        EXIT.warehouse,
        { code: error.code },
      );
    }
  }
  throw error;
}

/** Checks the command line before any work: what each action needs. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const [action, id] = args as [Action | undefined, string | undefined];
  const o = options as unknown as BackupCliOptions;
  if ((action === 'verify' || action === 'restore') && !id) {
    problems.addMessage(
      `backup ${action}: the backup id is missing`,
      `gongshu backup list shows the ids, e.g. gongshu backup ${action} backup-20260105020000-3fa9c1`,
    );
  }
  if (action === 'keygen' && !id) {
    problems.addMessage(
      'backup keygen: the key file to create is missing',
      'gongshu backup keygen /etc/gongshu/backup-k1.key',
    );
  }
  if (action === 'restore' && (o.to ?? []).length !== 1) {
    problems.addMessage(
      'backup restore: --to needs one folder or .duckdb file',
      'gongshu backup restore ID --to /tmp/drill',
    );
  }
  if (action === 'restore' && (o.from ?? []).length > 1) {
    problems.addMessage(
      'backup restore: --from names one destination',
      'gongshu backup restore ID --to DIR --from offsite',
    );
  }
  if (action !== 'keygen') problems.project(o.warehouse ? undefined : o.project);
}

/**
 * `gongshu backup create|list|verify|restore|prune|status|keygen`: encrypted backups of the node's warehouse,
 * kept at local and off-site destinations and verified by restoring them (GOVERNANCE.md F).
 */
export default async function backup(args: unknown[], command: Command): Promise<number> {
  const [action, arg] = args as [Action, string | undefined];
  const o = command.opts<BackupCliOptions>();
  const globals = command.parent?.opts<{ logLevel: string }>() ?? { logLevel: 'info' };
  const out = processOutput();
  if (action === 'keygen') {
    if (!arg)
      throw new CliError(
        'backup keygen: name the key file to create, e.g. gongshu backup keygen /etc/gongshu/backup-k1.key',
      );
    const { file } = generateMasterKey(arg);
    if (o.json) out.json({ file });
    else {
      out.data(file);
      out.note(
        `backup keygen: wrote a new master key to ${file} (mode 600). Keep a copy offline, away from the backups; configure it as backup: { masterKey: { id: '<new id>', file: '${file}' } }`,
      );
    }
    return EXIT.ok;
  }
  const logger = createLogger(globals.logLevel);
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const settings = backupSettings(loaded.project, loaded.dir);
  const run: BackupRunOptions = {
    settings,
    journal: journalPath(warehousePath),
    parent: parentLinkOf(loaded.project, loaded.dir, settings, logger),
    logger,
  };
  try {
    switch (action) {
      case 'create':
        return await create(run, o, warehousePath);
      case 'list': {
        const { backups, problems } = await listBackups({ ...run, from: names(o.from) });
        for (const p of problems) out.note(`note: ${p}`);
        if (o.json) for (const b of backups) out.json(b);
        else
          for (const line of formatTable(
            backups.map((b) => ({
              id: b.id,
              created: b.createdAt,
              size: mib(b.bytes),
              tables: b.tables,
              rows: b.rows,
              key: b.keyId,
              at: b.destinations
                .map((d) => `${d.name}${d.verifiedOk === null ? '' : d.verifiedOk ? ' ✓' : ' ✗'}`)
                .join(', '),
            })),
          ))
            out.data(line);
        return problems.length ? EXIT.source : EXIT.ok;
      }
      case 'verify': {
        if (!arg)
          throw new CliError(
            'backup verify: name the backup, e.g. gongshu backup verify backup-20260105020000-3fa9c1',
          );
        const r = await verifyBackup({ ...run, id: arg, from: names(o.from) });
        if (o.json) out.json(r);
        else
          for (const d of r.destinations)
            out.data(
              d.ok
                ? `backup verify ${r.id} at ${d.destination}: ok — restored, ${d.tables} tables and ${(d.rows ?? 0).toLocaleString('en')} rows match the manifest, audit chain intact`
                : `backup verify ${r.id} at ${d.destination}: FAILED — ${d.error}`,
            );
        return r.ok ? EXIT.ok : EXIT.failures;
      }
      case 'restore': {
        if (!arg)
          throw new CliError('backup restore: name the backup, e.g. gongshu backup restore ID --to DIR');
        const to = o.to ?? [];
        if (to.length !== 1)
          throw new CliError('backup restore: --to PATH (one folder or .duckdb file) is required');
        const from = names(o.from);
        if (from.length > 1) throw new CliError('backup restore: --from names one destination');
        const r = await restoreBackup({
          ...run,
          id: arg,
          to: to[0]!,
          from: from[0],
          force: o.force,
          livePath: warehousePath,
        });
        if (o.json) out.json(r);
        else {
          out.data(r.path);
          out.note(
            `backup restore ${r.id} (from ${r.from}) → ${r.path}: ${r.tables} tables, ${r.rows.toLocaleString('en')} rows, checked against the manifest` +
              (r.replaced
                ? `; the replaced warehouse is kept as ${r.replaced} (delete it when satisfied)`
                : ''),
          );
        }
        return EXIT.ok;
      }
      case 'prune': {
        const results = await pruneBackups({ ...run, from: names(o.from), dryRun: o.dryRun ?? false });
        if (o.json) out.json({ pruned: results });
        else
          for (const r of results)
            out.data(
              `backup prune ${r.destination}: ${r.dryRun ? 'would remove' : 'removed'} ${r.removed.length} (${r.removed.join(', ') || 'none'}), kept ${r.kept.length}`,
            );
        return EXIT.ok;
      }
      case 'status': {
        const status = backupStatus(settings, run.journal);
        if (o.json) out.json({ destinations: status });
        else
          for (const line of formatTable(
            status.map((s) => ({
              destination: s.name,
              site: s.offsite ? 'off-site' : 'local',
              last: s.lastBackup?.id ?? '—',
              verified: s.lastVerified?.id ?? '—',
              'age h': s.ageHours,
              'max h': s.maxAgeHours,
              state: s.overdue ? 'OVERDUE' : 'ok',
            })),
          ))
            out.data(line);
        return status.some((s) => s.overdue) ? EXIT.failures : EXIT.ok;
      }
      default:
        throw new CliError(
          `backup: expected create, list, verify, restore, prune, status or keygen; got ${String(action)}`,
        );
    }
  } catch (error) {
    mapError(error);
  }

  async function create(runOptions: BackupRunOptions, opts: BackupCliOptions, path: string): Promise<number> {
    if (!existsSync(path)) {
      throw new CliError(
        `${path}: no warehouse to back up. Fix: run the project's pipelines first (gongshu run)`,
        EXIT.warehouse,
      );
    }
    let wh: Warehouse | undefined = await openWarehouse({ path });
    try {
      const r = await createBackup({
        ...runOptions,
        wh,
        to: names(opts.to),
        prune: opts.prune !== false,
        afterSnapshot: () => {
          wh?.close();
          wh = undefined;
        },
      });
      const verified = opts.verify
        ? await verifyBackup({ ...runOptions, id: r.id, from: r.destinations })
        : undefined;
      const summary = {
        id: r.id,
        destinations: r.destinations,
        failed: r.failed,
        bytes: r.bytes,
        plainBytes: r.plainBytes,
        tables: r.tables,
        rows: r.rows,
        auditHead: r.auditHead,
        cipher: r.cipher,
        keyId: r.keyId,
        seconds: r.seconds,
        pruned: r.pruned,
        ...(verified
          ? { verified: { ok: verified.ok, rowsMatch: verified.rowsMatch, auditOk: verified.auditOk } }
          : {}),
      };
      if (opts.json) out.json(summary);
      else {
        out.data(r.id);
        out.note(
          `backup ${r.id} → ${r.destinations.join(', ')}: ${r.tables} tables, ${r.rows.toLocaleString('en')} rows, ${mib(r.bytes)} encrypted (${r.cipher}, key ${r.keyId})`,
        );
        for (const f of r.failed) out.note(`backup ${r.id} → ${f.destination}: FAILED: ${f.error}`);
        if (verified) out.note(`backup verify ${r.id}: ${verified.ok ? 'ok' : 'FAILED'}`);
      }
      if (r.failed.length) return EXIT.source;
      return verified && !verified.ok ? EXIT.failures : EXIT.ok;
    } finally {
      wh?.close();
    }
  }
}
