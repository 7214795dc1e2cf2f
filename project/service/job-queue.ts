/**
 * The node's one queue of warehouse work: scheduled firings, HTTP handlers (a child's pushed chunk, a
 * backflow answer) and CLI requests sent over the control socket all wait here and run one at a time, so no
 * two write transactions interleave on the warehouse's single connection. Each job gets an abort signal;
 * `close()` stops accepting and drops the jobs still waiting (their promises reject with `service-stopping`).
 */
import PQueue from 'p-queue';
import { ProjectError } from '../errors.ts';

interface Entry {
  readonly label: string;
  readonly controller: AbortController;
  readonly queuedAt: number;
  started: boolean;
  dropped: boolean;
  reject(error: unknown): void;
}

/** A job running or waiting. */
export interface JobInfo {
  readonly label: string;
  readonly queuedAt: string;
}

/** The error of a job dropped because the node is stopping. */
export function stoppingError(label: string): ProjectError {
  return new ProjectError(
    'service-stopping',
    `${label}: the node service is stopping; this job was still waiting and did not run (nothing was changed). Fix: run it again once the node is back (or without it)`,
    { label },
  );
}

/** See the module comment. */
export class JobQueue {
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly entries: Entry[] = [];
  private current: Entry | undefined;
  private closed = false;

  /** Adds a job; resolves with its result once it ran. */
  add<T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(stoppingError(label));
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        label,
        controller: new AbortController(),
        queuedAt: Date.now(),
        started: false,
        dropped: false,
        reject,
      };
      this.entries.push(entry);
      void this.queue.add(async () => {
        if (entry.dropped) return;
        entry.started = true;
        this.current = entry;
        try {
          resolve(await fn(entry.controller.signal));
        } catch (error) {
          reject(error);
        } finally {
          this.current = undefined;
          this.entries.splice(this.entries.indexOf(entry), 1);
        }
      });
    });
  }

  /** The job running now, if any. */
  running(): JobInfo | undefined {
    return (
      this.current && { label: this.current.label, queuedAt: new Date(this.current.queuedAt).toISOString() }
    );
  }

  /** The jobs waiting, oldest first. */
  waiting(): JobInfo[] {
    return this.entries
      .filter((e) => !e.started && !e.dropped)
      .map((e) => ({ label: e.label, queuedAt: new Date(e.queuedAt).toISOString() }));
  }

  /** Drops one waiting job (e.g. its client went away); true when it was still waiting. */
  cancel(predicate: (label: string) => boolean): number {
    let n = 0;
    for (const e of this.entries) {
      if (!e.started && !e.dropped && predicate(e.label)) {
        e.dropped = true;
        e.reject(stoppingError(e.label));
        n++;
      }
    }
    return n;
  }

  /** Stops accepting jobs and drops those waiting; the running one goes on. */
  close(): void {
    this.closed = true;
    for (const e of this.entries) {
      if (e.started || e.dropped) continue;
      e.dropped = true;
      e.reject(stoppingError(e.label));
    }
  }

  /** Aborts the running job's signal (its load or build stops and rolls back). */
  abortRunning(reason: string): void {
    this.current?.controller.abort(new Error(reason));
  }

  /** Resolves when nothing runs or waits. */
  idle(): Promise<void> {
    return this.queue.onIdle();
  }
}
