/**
 * While `gongshu serve` runs for a project it holds the warehouse, so the CLI sends commands on that project
 * to it over the control socket (the service queues writes behind the running job and answers reads from a
 * snapshot) and relays the output and exit code, instead of refusing them. Commands given an explicit
 * `--warehouse` run here as before.
 */
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { RequestMode } from '../project/index.ts';
import { processOutput } from './output.ts';

type Classify = (
  args: readonly unknown[],
  opts: Readonly<Record<string, unknown>>,
) => RequestMode | undefined;

/** The commands sent to a running node service, and how each uses the warehouse. */
export const FORWARDED: Readonly<Record<string, Classify>> = {
  run: () => 'write',
  build: () => 'write',
  quality: () => 'write',
  push: ([action]) => (action === 'dead-letters' ? 'read' : 'write'),
  backflow: () => 'write',
  // Queued: it records its run in the runs table.
  report: () => 'write',
  sql: (_args, o) => (o.write ? 'write' : 'read'),
  runs: () => 'read',
  // Governance (sharing): reads answered from a snapshot; transitions, exports and archives queued.
  catalog: ([action]) =>
    ['submit', 'approve', 'publish', 'review', 'trigger'].includes(String(action)) ? 'write' : 'read',
  // submit/show --parent talk to the parent only (nothing of this warehouse is used): run here.
  request: ([action], o) =>
    o.parent && (action === 'submit' || action === 'show')
      ? undefined
      : action === 'list' || action === 'show'
        ? 'read'
        : 'write',
  share: () => 'write',
  // Open data and objections (#18): catalog, versions and list from a snapshot; exports and transitions queued.
  open: ([action]) => (action === 'export' ? 'write' : 'read'),
  objection: ([action]) => (action === 'list' ? 'read' : 'write'),
  usage: ([action]) => (action === 'effect' ? 'write' : 'read'),
  destroy: () => 'write',
  audit: ([action]) => (action === 'archive' ? 'write' : 'read'),
  // create snapshots the warehouse (in the queue); the others read or write backup destinations only.
  backup: ([action]) => (action === 'create' ? 'write' : undefined),
  quarantine: ([action]) => (action === 'replay' ? 'write' : 'read'),
  // Fired through the service's scheduler, which queues it.
  schedules: ([action]) => (action === 'run' ? 'direct' : undefined),
};

/** The command line after `gongshu` as the user typed it. */
function typedArgv(): string[] {
  return process.argv.slice(2);
}

/**
 * Sends the command to the node service of its project when one runs; returns its exit code, or undefined to
 * run the command here (not a forwarded command, no project, `--warehouse` given, or no service listening).
 */
export async function forwardToService(
  command: Command,
  args: readonly unknown[],
): Promise<number | undefined> {
  const classify = FORWARDED[command.name()];
  const opts = command.opts<Record<string, unknown>>();
  const mode = classify?.(args, opts);
  if (!mode || opts.warehouse !== undefined) return undefined;
  // The project layer is imported only for a command that may be forwarded: `validate`, `--help` skip it.
  const { projectFileOf, sendToService } = await import('../project/index.ts');
  const file = projectFileOf(typeof opts.project === 'string' ? opts.project : undefined);
  if (!file) return undefined;
  const out = processOutput();
  return sendToService(
    { argv: typedArgv(), cwd: process.cwd(), project: dirname(file), mode },
    { out: (line) => out.data(line), err: (line) => out.note(line) },
  );
}
