import { describe, expect, it } from 'vitest';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { xinjiangPipelines } from '../../examples/xinjiang/pipelines.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { defineProject } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

describe('example region end to end', () => {
  it('quarantines exactly the injected key defects, at their exact source lines', async () => {
    const dir = tempDir();
    const manifest = await generateRegion({ outDir: dir, people: 3000, seed: 7, asOf: today });
    const project = defineProject({
      name: 'xinjiang',
      node: { id: '650000', level: 'region', name: '新疆维吾尔自治区' },
      pipelines: xinjiangPipelines(dir),
    });
    const wh = await openWarehouse({ path: ':memory:' });
    const summary = await runPipelines(wh, project);
    expect(summary.status).toBe('succeeded');
    for (const outcome of summary.pipelines) {
      if (outcome.status !== 'succeeded') throw new Error(outcome.error);
      const file = Object.values(manifest.files).find((f) => outcome.source.endsWith(f.file))!;
      const byReason = Object.fromEntries(
        Object.entries(file.expected.keyInvalid)
          .filter(([, n]) => n > 0)
          .map(([reason, n]) => [`key:${reason}`, n]),
      );
      expect({ file: file.file, reasons: outcome.quarantinedByReason }).toEqual({
        file: file.file,
        reasons: byReason,
      });
      expect(outcome.rowsRead).toBe(file.dataRows);
      expect(outcome.rowsLoaded).toBe(file.expected.keyValid);
      expect(outcome.duplicateKeyRows).toBe(file.expected.duplicateKeyRows);

      // Every quarantined row is at a location the manifest lists as an invalid-key defect, and vice versa.
      const quarantined = await wh.all<{ at: string }>(
        `SELECT source_location AS at FROM gongshu.quarantine WHERE dataset = $1 ORDER BY 1`,
        [outcome.dataset],
      );
      const invalidKinds = [
        'bad-checksum',
        'impossible-date',
        'future-birth-date',
        'unknown-division',
        'blank-key',
        'malformed',
      ];
      const injected = Object.entries(file.defects)
        .filter(([kind]) => invalidKinds.includes(kind))
        .flatMap(([, entry]) => entry!.rows.map((r) => r.at))
        .sort();
      expect(quarantined.map((r) => r.at)).toEqual(injected);

      // Normalisable keys (15-digit, full-width, lower-case x) are loaded under their 18-character form.
      for (const entry of Object.values(file.normalisable)) {
        for (const row of entry!.rows.slice(0, 5)) {
          const loaded = await wh.all(`SELECT _key_original FROM ${outcome.dataset} WHERE _source = $1`, [
            row.at,
          ]);
          expect(loaded).toEqual([{ _key_original: row.key }]);
        }
      }
    }
    wh.close();
  });
});
