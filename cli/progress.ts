/**
 * Live progress of long steps: rows done, rate and ETA when the total is known, the share DuckDB reports for a
 * statement it runs (a CSV read inside DuckDB), else the time spent. A step shows nothing for its first two
 * seconds, so quick commands stay quiet. On a terminal it is one line on stderr (a cli-progress bar showing the
 * text), redrawn in place and cleared when the step ends; on a pipe it shows nothing unless `--progress` asks for
 * it, and then a plain line every few seconds (log-friendly, no carriage returns). A command forwarded to a
 * running node service (`gongshu serve`) runs there: with `--progress` its plain lines come back as notes.
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { BackflowProgress, PushProgress } from '../platform/index.ts';
import { currentSession } from './session.ts';

/** A step shows progress once it has run this long. */
export const PROGRESS_AFTER_MS = 2000;
/** On a pipe (with --progress), a step prints a line at most this often. */
const PIPE_EVERY_MS = 5000;
const REDRAW_MS = 200;

/** What a progress display shows of the current step. */
export interface ProgressReporter {
  /** Starts (or switches to) a step; later calls with the same label update it. */
  step(label: string, done?: number, total?: number, unit?: string): void;
  /** Updates the counts of the current step. */
  update(done: number, total?: number): void;
  /** Reads the share (0–1) done of the statement running now, when the database can tell. */
  poll(read: (() => number | null) | null): void;
  /** Ends the current step (its line is cleared). */
  end(): void;
  /** Stops the display for good. */
  stop(): void;
}

/** Whether and how progress shows. */
export interface ProgressWanted {
  readonly show: boolean;
  /** A terminal: one line redrawn in place; else plain lines. */
  readonly tty: boolean;
  /** Where plain lines go (stderr by default; a forwarded command's notes inside the node service). */
  readonly write?: (line: string) => void;
}

/**
 * Whether progress shows: on a terminal (stderr), or anywhere with `--progress` (a global option). Inside the node
 * service (a forwarded command) only with `--progress`, as plain lines sent back to the CLI.
 */
export function progressWanted(command: Command): ProgressWanted {
  let c: Command | null = command;
  let forced = false;
  while (c) {
    if (c.opts().progress) forced = true;
    c = c.parent;
  }
  const session = currentSession();
  if (session) return { show: forced, tty: false, write: (line) => session.out.note(line) };
  const tty = Boolean(process.stderr.isTTY);
  return { show: tty || forced, tty };
}

const NOTHING: ProgressReporter = { step() {}, update() {}, poll() {}, end() {}, stop() {} };

/** "1.2 s", "1 min 05 s". */
function seconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

const int = (n: number) => Math.round(n).toLocaleString('en');

/** The text of a step: what is known of it. Exported for tests. */
export function progressText(s: {
  label: string;
  done?: number | undefined;
  total?: number | undefined;
  unit: string;
  share?: number | null | undefined;
  elapsedMs: number;
  /** When `done` was last counted, from the step's start; the rate is over that time (defaults to elapsedMs). */
  countedMs?: number | undefined;
}): string {
  const elapsed = s.elapsedMs / 1000;
  const parts = [s.label];
  if (s.done !== undefined && s.done > 0) {
    // Over the time the count took: once a load has read every row, its rate must not decay while it writes.
    const rate = s.done / Math.max((s.countedMs ?? s.elapsedMs) / 1000, 0.001);
    parts.push(
      s.total ? `${int(s.done)} / ${int(s.total)} ${s.unit}` : `${int(s.done)} ${s.unit}`,
      `${int(rate)} ${s.unit}/s`,
    );
    if (s.total && s.total > s.done) parts.push(`ETA ${seconds((s.total - s.done) / rate)}`);
  } else if (s.share !== null && s.share !== undefined && s.share > 0 && s.share < 1) {
    parts.push(`${(s.share * 100).toFixed(0)}%`, `ETA ${seconds((elapsed * (1 - s.share)) / s.share)}`);
  }
  parts.push(seconds(elapsed));
  return parts.join(' · ');
}

/** A progress display on stderr (see the module comment); `NOTHING` when progress is not wanted. */
export function progressReporter(wanted: ProgressWanted): ProgressReporter {
  if (!wanted.show) return NOTHING;
  const stream = process.stderr;
  const writeLine = wanted.write ?? ((line: string) => stream.write(`${line}\n`));
  let label: string | null = null;
  let unit = 'rows';
  let done: number | undefined;
  let total: number | undefined;
  let started = 0;
  let countedAt = 0;
  let lastPrinted = 0;
  let drawn = false;
  let lastDrawn = 0;
  const bar = wanted.tty
    ? new SingleBar({
        format: '{text}',
        stream,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
        // Redraws on update too: the generator's synchronous loops leave the bar's own timer no turn.
        synchronousUpdate: true,
      })
    : null;
  let read: (() => number | null) | null = null;
  const clear = () => {
    if (drawn) bar?.stop();
    drawn = false;
  };
  const draw = () => {
    if (label === null) return;
    const now = Date.now();
    if (now - started < PROGRESS_AFTER_MS) return;
    lastDrawn = now;
    let share: number | null = null;
    try {
      share = read?.() ?? null;
    } catch {
      share = null;
    }
    const text = progressText({
      label,
      done,
      total,
      unit,
      share,
      elapsedMs: now - started,
      countedMs: countedAt - started,
    });
    if (bar) {
      const width = stream.columns || 100;
      const line = text.length >= width ? `${text.slice(0, width - 2)}…` : text;
      if (drawn) bar.update(0, { text: line });
      else bar.start(0, 0, { text: line });
      drawn = true;
    } else if (now - lastPrinted >= PIPE_EVERY_MS) {
      writeLine(`progress: ${text}`);
      lastPrinted = now;
    }
  };
  // The timer redraws while the event loop is free (DuckDB runs a statement); updates from synchronous work (the
  // generator) redraw themselves, at most every REDRAW_MS.
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();
  const maybeDraw = () => {
    if (Date.now() - lastDrawn >= REDRAW_MS) draw();
  };
  return {
    step(next, d, t, u = 'rows') {
      if (next !== label) {
        clear();
        label = next;
        started = Date.now();
        lastPrinted = started;
        read = null;
      }
      unit = u;
      if (d !== done) countedAt = Date.now();
      done = d;
      total = t;
      maybeDraw();
    },
    update(d, t) {
      if (d !== done) countedAt = Date.now();
      done = d;
      if (t !== undefined) total = t;
      maybeDraw();
    },
    poll(r) {
      read = r;
    },
    end() {
      clear();
      label = null;
      read = null;
    },
    stop() {
      clear();
      label = null;
      clearInterval(timer);
    },
  };
}

/** A database whose running statement reports its progress (the warehouse). */
interface Progressing {
  trackProgress(): Promise<void>;
  queryProgress(): number | null;
}

/**
 * The progress callback of loads (`runPipelines`, `ingestFile`): a step per pipeline with its rows read, and
 * DuckDB's share of the statement it runs (a CSV read inside DuckDB reports no rows until it is done).
 */
export async function loadProgress(
  reporter: ProgressReporter,
  wh: Progressing,
  wanted: { show: boolean },
): Promise<((pipeline: string, rows: number) => void) | undefined> {
  if (!wanted.show) return undefined;
  await wh.trackProgress();
  return (pipeline, rows) => {
    reporter.step(`load ${pipeline}`, rows > 0 ? rows : undefined, undefined, 'rows read');
    reporter.poll(() => wh.queryProgress());
  };
}

/** Progress of a build: a step per node, with DuckDB's share of its statement. */
export async function buildProgress(
  reporter: ProgressReporter,
  wh: Progressing,
  wanted: { show: boolean },
): Promise<{ onStart: (node: string) => void } | Record<string, never>> {
  if (!wanted.show) return {};
  await wh.trackProgress();
  return {
    onStart: (node) => {
      reporter.step(`build ${node}`);
      reporter.poll(() => wh.queryProgress());
    },
  };
}

/** Progress of a step with no counts of its own (rendering the dashboard): the time spent, DuckDB's share. */
export async function stepProgress(
  reporter: ProgressReporter,
  wh: Progressing | null,
  wanted: { show: boolean },
  label: string,
): Promise<void> {
  if (!wanted.show) return;
  if (wh) await wh.trackProgress();
  reporter.step(label);
  if (wh) reporter.poll(() => wh.queryProgress());
}

/** Progress of a quality run: a step per dataset (its place among them), with DuckDB's share of its scan. */
export async function qualityProgress(
  reporter: ProgressReporter,
  wh: Progressing,
  wanted: { show: boolean },
): Promise<{ onDataset: (dataset: string, index: number, total: number) => void } | Record<string, never>> {
  if (!wanted.show) return {};
  await wh.trackProgress();
  return {
    onDataset: (dataset, index, total) => {
      reporter.step(`quality ${dataset} (${index + 1}/${total})`);
      reporter.poll(() => wh.queryProgress());
    },
  };
}

/**
 * Progress of a push: planning a dataset's batch (DuckDB's share of the statement writing its chunk files), then
 * each batch's rows sent (acknowledged chunks, and the bytes of the chunk on its way), rate and ETA.
 */
export async function pushProgress(
  reporter: ProgressReporter,
  wh: Progressing,
  wanted: { show: boolean },
): Promise<{ onProgress: (progress: PushProgress) => void } | Record<string, never>> {
  if (!wanted.show) return {};
  await wh.trackProgress();
  return {
    onProgress: (p) => {
      if (p.phase === 'plan') {
        reporter.step(`push ${p.dataset}: plan`);
        reporter.poll(() => wh.queryProgress());
      } else {
        reporter.step(`push ${p.dataset} (${p.batch})`, p.rowsSent, p.rows, 'rows sent');
      }
    },
  };
}

/** Progress of a backflow: the answer's megabytes received (of its length), then DuckDB's share of storing it. */
export async function backflowProgress(
  reporter: ProgressReporter,
  wh: Progressing,
  wanted: { show: boolean },
  dataset: string,
): Promise<{ onProgress: (progress: BackflowProgress) => void } | Record<string, never>> {
  if (!wanted.show) return {};
  await wh.trackProgress();
  return {
    onProgress: (p) => {
      if (p.phase === 'receive') {
        const mb = (n: number) => n / 1_000_000;
        reporter.step(
          `backflow ${dataset}: receive`,
          mb(p.bytes),
          p.total === undefined ? undefined : mb(p.total),
          'MB',
        );
      } else {
        reporter.step(`backflow ${dataset}: store`);
        reporter.poll(() => wh.queryProgress());
      }
    },
  };
}
