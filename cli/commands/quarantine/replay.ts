import { type Pipeline, replayQuarantine } from '../../../pipelines/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import type { Output } from '../../output.ts';
import { openCommandWarehouse } from '../../session.ts';
import type { QuarantineOptions } from './shared.ts';

/** `gongshu quarantine replay DATASET [--load …] [--reason …]`: loads the open quarantined rows again. */
export async function replay(options: {
  readonly dataset: string | undefined;
  readonly path: string;
  readonly pipeline: Pipeline | undefined;
  readonly o: QuarantineOptions;
  readonly out: Output;
}): Promise<number> {
  const { dataset, path, pipeline, o, out } = options;
  if (!dataset)
    throw new CliError('quarantine replay: name the dataset. Fix: gongshu quarantine replay hukou');
  const wh = await openCommandWarehouse({ path });
  try {
    const r = await replayQuarantine(wh, dataset, {
      ...(o.load ? { loadId: o.load } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
      ...(pipeline ? { pipeline } : {}),
    });
    const summary = {
      dataset,
      replayed: r.replayed,
      loaded: r.load?.rowsLoaded ?? 0,
      quarantinedAgain: r.load?.rowsQuarantined ?? 0,
      quarantineByReason: r.load?.quarantinedByReason ?? {},
      loadId: r.load?.loadId ?? null,
      notReplayable: r.notReplayable,
    };
    if (o.json) out.json(summary);
    else {
      out.data(
        r.replayed === 0
          ? `quarantine replay ${dataset}: nothing open to replay`
          : `quarantine replay ${dataset}: ${r.replayed} rows replayed → ${summary.loaded} loaded, ${summary.quarantinedAgain} quarantined again (load ${summary.loadId})`,
      );
      const left = Object.entries(r.notReplayable);
      if (left.length) {
        out.note(
          `not replayed: ${left.map(([reason, n]) => `${n} ${reason}`).join(', ')} (the source row itself is malformed: fix the file and load it again)`,
        );
      }
    }
    return EXIT.ok;
  } finally {
    wh.close();
  }
}
