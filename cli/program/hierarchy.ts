/**
 * The platform hierarchy commands: node keys, push, backflow and the audit chain. Each function registers one
 * command; cli/program.ts calls them in help order.
 */
import type { Command } from 'commander';
import { lazy } from './action.ts';
import { governanceOptions } from './options.ts';

/** Registers `gongshu keys` (its action: cli/commands/keys.ts). */
export function keys(program: Command): void {
  program
    .command('keys')
    .description(
      "create or show this node's ed25519 key pair (platform identity) and, with --tls, its self-signed TLS certificate",
    )
    .addArgument(program.createArgument('<action>', 'init or show').choices(['init', 'show']))
    .option('--project <dir>', 'project directory (its keys live in .gongshu/keys)')
    .option('--force', 'init: replace an existing key pair (and certificate)')
    .option(
      '--tls',
      'init: also make a self-signed TLS certificate (tls.crt, tls.key; needs the openssl command) for the other side to pin',
    )
    .option(
      '--host <names...>',
      'init --tls: host names and addresses the certificate is for (default localhost, 127.0.0.1, this host)',
    )
    .option('--json', 'print { node, publicKey } as JSON')
    .action(lazy(() => import('../commands/keys.ts')));
}

/** Registers `gongshu push` (its action: cli/commands/push.ts). */
export function push(program: Command): void {
  program
    .command('push')
    .description(
      'push reportable datasets changed since the last acknowledged push to the parent node (上报); dead-letters lists batches the parent refused for good, retry BATCH sends one again, abandon BATCH gives it up',
    )
    .argument('[action]', 'dead-letters, retry or abandon; omitted: push')
    .argument('[batch]', 'retry/abandon: the dead letter (as push dead-letters lists it)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--dataset <names...>', 'only these datasets; default every reportable dataset')
    .option('--json', 'print the push summary (or one JSON object per dead letter) as JSON')
    .action(lazy(() => import('../commands/push.ts')));
}

/** Registers `gongshu backflow` (its action: cli/commands/backflow.ts). */
export function backflow(program: Command): void {
  program
    .command('backflow')
    .description("ask the parent node for this node's rows of a dataset (回流), into backflow.<dataset>")
    .argument('<dataset>', 'the dataset')
    .option('--columns <list>', 'comma-separated catalog columns; default all this node is entitled to')
    .option('--purpose <text>', 'the use scenario of the request (required, recorded in the audit)')
    .option('--grant <id>', 'the grant (of a request to the parent) the rows are returned under')
    .option('--operator <name>', 'who asks (usage log); defaults to $GONGSHU_OPERATOR or the login name')
    .option('--department <name>', 'the department that will use the rows (usage log)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('../commands/backflow.ts')));
}

/** Registers `gongshu audit` (its action: cli/commands/audit.ts). */
export function audit(program: Command): void {
  governanceOptions(
    program
      .command('audit')
      .description(
        'the hash-chained audit of transfers (push, backflow, refusals) and governance events: list, verify (across archive segments and the usage log; --against-parent also against the heads the parent recorded), archive --before DATE',
      )
      .addArgument(
        program.createArgument('<action>', 'list, verify or archive').choices(['list', 'verify', 'archive']),
      )
      .option('--dataset <name>', 'list: only this dataset')
      .option(
        '--action <action>',
        'list: only this action (push-sent, push-received, backflow-served, request-submitted, usage-export, …)',
      )
      .option('--limit <n>', 'list: newest entries to show', '50')
      .option(
        '--against-parent',
        'verify: also ask the parent (signed) for the audit heads this node carried with its pushes, which detects a rewritten chain',
      )
      .option('--before <date>', 'archive: archive the entries recorded before this date'),
    { at: false },
  ).action(lazy(() => import('../commands/audit.ts')));
}
