/**
 * The node's backup journal: one JSON line per event (created at destinations, verified, removed), appended
 * beside the warehouse (`<warehouse>.backup-journal.jsonl`). The dashboard's backup status is read from it
 * without touching the destinations. A line is appended only after the event is complete (a created backup
 * after every destination committed it), and a torn last line (a killed process) is ignored.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** An event of the journal. */
export type JournalEvent =
  | {
      event: 'created';
      id: string;
      at: string;
      createdAt: string;
      destinations: string[];
      bytes: number;
      keyId: string;
    }
  | {
      event: 'verified';
      id: string;
      at: string;
      createdAt: string;
      destination: string;
      ok: boolean;
      error?: string;
    }
  | { event: 'removed'; id: string; at: string; destination: string };

/** The journal file of a warehouse. */
export function journalPath(warehousePath: string): string {
  return `${warehousePath}.backup-journal.jsonl`;
}

/** Appends an event (one write of one line). */
export function appendJournal(file: string, event: JournalEvent): void {
  appendFileSync(file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
}

/** The journal's events in order; unparsable lines are skipped. */
export function readJournal(file: string): JournalEvent[] {
  if (!existsSync(file)) return [];
  const events: JournalEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEvent;
      if (e && typeof e === 'object' && typeof e.id === 'string' && typeof e.event === 'string')
        events.push(e);
    } catch {
      // a torn line from a killed process
    }
  }
  return events;
}
