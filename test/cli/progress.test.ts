/** Progress of long steps: what a line says, when it shows, and that a pipe stays quiet without --progress. */
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Output } from '../../cli/output.ts';
import { buildProgram } from '../../cli/program.ts';
import {
  backflowProgress,
  progressReporter,
  progressText,
  progressWanted,
  pushProgress,
} from '../../cli/progress.ts';
import { type CommandSession, inSession } from '../../cli/session.ts';
import { openWarehouse } from '../../warehouse/index.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('progress', () => {
  it('says rows done, rate and ETA when the total is known, DuckDB’s share otherwise, and the time spent', () => {
    expect(
      progressText({
        label: 'generate gongan_hukou.csv',
        done: 250_000,
        total: 1_000_000,
        unit: 'rows',
        elapsedMs: 10_000,
      }),
    ).toBe('generate gongan_hukou.csv · 250,000 / 1,000,000 rows · 25,000 rows/s · ETA 30 s · 10 s');
    expect(progressText({ label: 'load hukou', done: 78_426, unit: 'rows read', elapsedMs: 2_000 })).toBe(
      'load hukou · 78,426 rows read · 39,213 rows read/s · 2.0 s',
    );
    // The rate is over the time the count took: a load that read every row in 4 s and writes for 6 more.
    expect(
      progressText({
        label: 'load hukou',
        done: 400_000,
        unit: 'rows read',
        elapsedMs: 10_000,
        countedMs: 4_000,
      }),
    ).toBe('load hukou · 400,000 rows read · 100,000 rows read/s · 10 s');
    expect(progressText({ label: 'load hukou', unit: 'rows', share: 0.25, elapsedMs: 5_000 })).toBe(
      'load hukou · 25% · ETA 15 s · 5.0 s',
    );
    expect(progressText({ label: 'build foundation.population', unit: 'rows', elapsedMs: 125_000 })).toBe(
      'build foundation.population · 2 min 05 s',
    );
  });

  it('on a pipe with --progress: nothing for a step’s first 2 s, then a plain line every 5 s', () => {
    vi.useFakeTimers();
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const p = progressReporter({ show: true, tty: false });
    p.step('load hukou', 0, 100_000);
    vi.advanceTimersByTime(1_900);
    p.update(10_000);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(3_000);
    p.update(60_000);
    expect(written).toEqual([]); // past 2 s, but the first line of a pipe comes at 5 s
    vi.advanceTimersByTime(400);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      /^progress: load hukou · 60,000 \/ 100,000 rows · [\d,]+ rows\/s · ETA [\d.]+ s · 5\.\d s\n$/,
    );
    expect(written[0]).not.toContain('\r');
    p.end();
    p.step('quick', 1);
    p.end();
    vi.advanceTimersByTime(10_000);
    expect(written).toHaveLength(1);
    p.stop();
  });

  it('shows on a terminal or with the global --progress option, never on a pipe without it', async () => {
    const tty = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const program = buildProgram();
      let seen: { show: boolean; tty: boolean } | undefined;
      const probe = new Command('probe').action((_o, cmd: Command) => {
        seen = progressWanted(cmd);
      });
      program.addCommand(probe);
      await program.parseAsync(['node', 'gongshu', 'probe']);
      expect(seen).toEqual({ show: false, tty: false });
      await program.parseAsync(['node', 'gongshu', '--progress', 'probe']);
      expect(seen).toEqual({ show: true, tty: false });
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: tty, configurable: true });
    }
  });

  it('inside the node service (a forwarded command): only with --progress, as notes sent back to the CLI', async () => {
    vi.useFakeTimers();
    const notes: string[] = [];
    const out: Output = { tty: false, color: false, data() {}, json() {}, note: (l) => notes.push(l) };
    const session = {
      out,
      request: { type: 'request', argv: [], cwd: '/', project: '/', mode: 'queue' },
      access: {},
      exitCode: undefined,
    } as unknown as CommandSession;
    const program = buildProgram();
    const wanted: ReturnType<typeof progressWanted>[] = [];
    program.addCommand(
      new Command('probe').action((_o, cmd: Command) => {
        wanted.push(progressWanted(cmd));
      }),
    );
    await inSession(session, () => program.parseAsync(['node', 'gongshu', 'probe']));
    await inSession(session, () => program.parseAsync(['node', 'gongshu', '--progress', 'probe']));
    expect(wanted.map((w) => [w.show, w.tty])).toEqual([
      [false, false],
      [true, false],
    ]);
    const p = progressReporter(wanted[1]!);
    p.step('quality hukou (1/7)');
    vi.advanceTimersByTime(5_200);
    p.stop();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^progress: quality hukou \(1\/7\) · 5\.\d s$/);
  });

  it('push: the rows sent of a batch, rate and ETA; backflow: the megabytes received, then storing', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      expect(await pushProgress(progressReporter({ show: false, tty: false }), wh, { show: false })).toEqual(
        {},
      );
      vi.useFakeTimers();
      const written: string[] = [];
      const p = progressReporter({ show: true, tty: false, write: (l) => written.push(l) });
      const push = await pushProgress(p, wh, { show: true });
      push.onProgress!({ phase: 'plan', dataset: 'hukou' });
      const batch = { phase: 'send', dataset: 'hukou', batch: 'b1', rows: 1_000_000 } as const;
      push.onProgress!({ ...batch, rowsSent: 0 });
      vi.advanceTimersByTime(4_000);
      push.onProgress!({ ...batch, rowsSent: 400_000 });
      vi.advanceTimersByTime(1_200);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(
        /^progress: push hukou \(b1\) · 400,000 \/ 1,000,000 rows sent · 100,000 rows sent\/s · ETA 6\.0 s · 5\.\d s$/,
      );
      const back = await backflowProgress(p, wh, { show: true }, 'hukou');
      back.onProgress!({ phase: 'receive', bytes: 1_000_000, total: 24_000_000 });
      vi.advanceTimersByTime(3_000);
      back.onProgress!({ phase: 'receive', bytes: 12_000_000, total: 24_000_000 });
      vi.advanceTimersByTime(2_200);
      expect(written).toHaveLength(2);
      expect(written[1]).toMatch(
        /^progress: backflow hukou: receive · 12 \/ 24 MB · 4 MB\/s · ETA 3\.0 s · 5\.\d s$/,
      );
      back.onProgress!({ phase: 'store' });
      vi.advanceTimersByTime(5_200);
      expect(written[2]).toMatch(/^progress: backflow hukou: store · 5\.\d s$/);
      p.stop();
      // DuckDB tracks the statements' progress for the store step's share.
      expect(await wh.value("SELECT current_setting('enable_progress_bar')")).toBe(true);
    } finally {
      wh.close();
    }
  });
});
