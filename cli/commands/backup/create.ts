import { existsSync } from 'node:fs';
import { createBackup, verifyBackup } from '../../../governance/index.ts';
import type { Warehouse } from '../../../warehouse/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import { openCommandWarehouse } from '../../session.ts';
import { type BackupAction, mib, names } from './shared.ts';

/** `gongshu backup create [--to …] [--verify]`: a backup of the warehouse, optionally verified at once. */
export async function create({ run, o: opts, out, warehousePath: path }: BackupAction): Promise<number> {
  if (!existsSync(path)) {
    throw new CliError(
      `${path}: no warehouse to back up. Fix: run the project's pipelines first (gongshu run)`,
      EXIT.warehouse,
    );
  }
  let wh: Warehouse | undefined = await openCommandWarehouse({ path });
  try {
    const r = await createBackup({
      ...run,
      wh,
      to: names(opts.to),
      prune: opts.prune !== false,
      afterSnapshot: () => {
        wh?.close();
        wh = undefined;
      },
    });
    const verified = opts.verify ? await verifyBackup({ ...run, id: r.id, from: r.destinations }) : undefined;
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
