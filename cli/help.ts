import type { Command } from 'commander';
import { EXIT, EXIT_MEANINGS } from './errors.ts';
import { invocation, rewriteHints } from './invocation.ts';

/** The examples and exit codes a command's `--help` ends with. */
export interface CommandHelp {
  /** Two or three command lines, written with `gongshu …` (shown the way the user runs gongshu). */
  readonly examples: readonly string[];
  /** The exit codes the command can return, with what each means for it (defaults from EXIT_MEANINGS). */
  readonly exits: Readonly<Record<number, string | null>>;
}

const USAGE = { [EXIT.usage]: null } as const;
const WAREHOUSE = { [EXIT.warehouse]: null } as const;

/** Examples and exit codes of every command, by name. A test checks that each names real options. */
export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  validate: {
    examples: [
      'gongshu validate citizen-id 11010519491231002X 110105491231002',
      'gongshu validate uscc 91110000600037341L --json',
      'cut -d, -f1 ids.csv | gongshu validate citizen-id - --json',
    ],
    exits: { 0: 'every value is valid', 1: 'a value is invalid', ...USAGE },
  },
  run: {
    examples: [
      'gongshu run --project examples/xinjiang',
      'gongshu run hukou marriage --project examples/xinjiang --json',
    ],
    exits: {
      0: 'every pipeline loaded',
      1: 'a pipeline failed',
      [EXIT.usage]: 'bad usage, or a pipeline failed on its definition (e.g. a misspelled key column)',
      ...WAREHOUSE,
      [EXIT.source]: 'a pipeline could not read its source',
    },
  },
  catalog: {
    examples: [
      'gongshu catalog list --project examples/xinjiang',
      'gongshu catalog submit hukou --trigger law --trigger-date 2026-09-21 --reference 新政办发〔2026〕12号 --project DIR',
      'gongshu catalog export --format xlsx --out catalog.xlsx --project DIR',
    ],
    exits: {
      0: null,
      1: 'a transition was refused, or problems found something overdue',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  request: {
    examples: [
      'gongshu request submit --dataset hukou --columns id_number,name --purpose 低保资格复核 --basis 《社会救助暂行办法》 --department 市民政局 --project DIR --json',
      'gongshu request decide req-20260930020000-0faca9 --refuse --reason 超出共享条件 --basis 《…》第十九条 --project DIR',
      'gongshu request list --overdue --at 2026-10-12 --project DIR --json',
    ],
    exits: {
      0: null,
      1: 'refused: wrong state, not catalogued, no grant, or the parent refused',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  share: {
    examples: [
      'gongshu share export req-20260930020000-0faca9 --out exports --format csv --project DIR',
      'gongshu share export req-20260930020000-0faca9 --out exports --format parquet --project DIR --json',
    ],
    exits: {
      0: null,
      1: 'the request is not granted, or its grant expired or was revoked',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  open: {
    examples: [
      'gongshu open catalog --project DIR',
      'gongshu open export --out open --format csv --project DIR --json',
      'gongshu open export 1/02/001/0001 --out open --format parquet --project DIR',
    ],
    exits: {
      0: null,
      1: 'not in the open catalog, no data loaded, or a valid citizen ID would leave in clear',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  objection: {
    examples: [
      'gongshu objection raise --dataset enterprises --key 91650102MA7XXXXX5Q --column status --claim 已注销 --project DIR --json',
      'gongshu objection resolve obj-20260930020000-0faca9 --outcome corrected --note 已更正 --project DIR',
      'gongshu objection list --overdue --project DIR --json',
    ],
    exits: { 0: null, 1: 'no such objection, or it is not open', ...USAGE, ...WAREHOUSE },
  },
  usage: {
    examples: [
      'gongshu usage list --dataset hukou --project DIR --json',
      'gongshu usage effect use-20261013010000-2226dd --text "完成 1,203 户复核" --project DIR',
    ],
    exits: { 0: null, 1: 'no such usage entry', ...USAGE, ...WAREHOUSE },
  },
  duplicates: {
    examples: ['gongshu duplicates --project examples/xinjiang', 'gongshu duplicates --project DIR --json'],
    exits: { 0: null, ...USAGE, ...WAREHOUSE },
  },
  evaluate: {
    examples: [
      'gongshu evaluate --year 2026 --project examples/xinjiang',
      'gongshu evaluate --year 2026 --out evaluation-2026.json --project DIR --json',
    ],
    exits: { 0: null, ...USAGE, ...WAREHOUSE },
  },
  destroy: {
    examples: [
      'gongshu destroy hukou --method 删除数据表 --reason 使用期满 --project DIR',
      'gongshu destroy hukou --from backflow --method 删除数据表 --reason 复核完成 --project DIR --json',
    ],
    exits: { 0: null, 1: 'no table of the dataset on this node', ...USAGE, ...WAREHOUSE },
  },
  sql: {
    examples: [
      'gongshu sql "SELECT sex, count(*) FROM hukou GROUP BY 1" --project examples/xinjiang',
      'gongshu sql "SELECT * FROM hukou LIMIT 5" --warehouse .gongshu/warehouse.duckdb --json',
    ],
    exits: { 0: null, [EXIT.usage]: 'bad usage, or DuckDB refused the query', ...WAREHOUSE },
  },
  ingest: {
    examples: [
      'gongshu ingest people.csv --dataset hukou --key citizen-id:公民身份号码',
      'gongshu ingest people.xlsx --dataset hukou --mode merge --json',
    ],
    exits: {
      0: 'the load committed (quarantined rows are not failures)',
      ...USAGE,
      ...WAREHOUSE,
      [EXIT.source]: null,
    },
  },
  quarantine: {
    examples: [
      'gongshu quarantine list hukou --reason key: --project examples/xinjiang',
      'gongshu quarantine replay hukou --project examples/xinjiang --json',
    ],
    exits: { 0: null, ...USAGE, ...WAREHOUSE },
  },
  quality: {
    examples: [
      'gongshu quality --project examples/xinjiang',
      'gongshu quality --project examples/xinjiang --as-of 2026-11-29 --fail-on error --json',
    ],
    exits: { 0: null, 1: 'with --fail-on: a rule of that severity or above failed', ...USAGE, ...WAREHOUSE },
  },
  report: {
    examples: [
      'gongshu report --project examples/xinjiang',
      'gongshu report --project examples/xinjiang --lang en --out /tmp/report',
    ],
    exits: { 0: null, ...USAGE },
  },
  build: {
    examples: [
      'gongshu build --project examples/xinjiang',
      'gongshu build topic.elderly_subsidy_2026 --project examples/xinjiang --json',
      'gongshu build --select foundation.population+ --full-refresh --project examples/xinjiang',
    ],
    exits: {
      0: 'every node built',
      1: 'a node failed or was skipped by a quality gate',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  unlock: {
    examples: [
      'gongshu unlock --project examples/xinjiang',
      'gongshu unlock --warehouse .gongshu/warehouse.duckdb --force --json',
    ],
    exits: {
      0: 'the lock was removed, or there was none',
      ...USAGE,
      [EXIT.warehouse]: 'the holder still runs on this host (or on another host, without --force)',
    },
  },
  runs: {
    examples: [
      'gongshu runs --project examples/xinjiang',
      'gongshu runs --kind build --limit 5 --json --project examples/xinjiang',
    ],
    exits: { 0: null, ...USAGE, ...WAREHOUSE },
  },
  demo: {
    examples: ['gongshu demo', 'gongshu demo --people 200000 --seed 1 --json'],
    exits: {
      0: 'loaded, checked against the manifest and built',
      1: 'a pipeline or build failed, or the loader disagrees with the manifest',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  keys: {
    examples: [
      'gongshu keys init --project DIR',
      'gongshu keys init --tls --host node.example.gov.cn --project DIR',
      'gongshu keys show --project DIR --json',
    ],
    exits: { 0: null, ...USAGE },
  },
  push: {
    examples: [
      'gongshu push --project DIR --dataset hukou --json',
      'gongshu push dead-letters --project DIR',
      'gongshu push retry BATCH --project DIR',
    ],
    exits: {
      0: 'the parent acknowledged every batch (dead-letters, retry, abandon: done)',
      1: 'a batch failed or became a dead letter, or the parent could not be reached or not verified',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  backflow: {
    examples: [
      'gongshu backflow hukou --purpose "低保资格复核" --project DIR',
      'gongshu backflow hukou --columns id_number,name --purpose "低保资格复核" --project DIR --json',
    ],
    exits: { 0: null, 1: 'the parent refused or could not be reached', ...USAGE, ...WAREHOUSE },
  },
  audit: {
    examples: [
      'gongshu audit verify --project DIR',
      'gongshu audit verify --against-parent --project DIR',
      'gongshu audit archive --before 2023-01-01 --project DIR',
    ],
    exits: {
      0: 'verify: the chain, its archive and the usage log are intact (and, --against-parent, match the heads the parent recorded)',
      1: 'verify: an entry, a segment or a usage entry was edited or deleted, or the chain was rewritten (against the parent)',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  backup: {
    examples: [
      'gongshu backup create --project DIR --to local offsite --verify',
      'gongshu backup verify backup-20260105020000-3fa9c1 --project DIR --json',
      'gongshu backup restore backup-20260105020000-3fa9c1 --to /tmp/drill --from offsite --project DIR',
    ],
    exits: {
      0: null,
      1: 'a backup failed verification, or a key is missing or wrong; status: a destination is overdue',
      [EXIT.usage]: 'bad usage or definition, or a restore over an existing file without --force',
      [EXIT.warehouse]: 'the warehouse is held by another writer (gongshu serve takes backups by schedule)',
      [EXIT.source]: 'a destination could not be written or read (a full disk, the parent unreachable)',
    },
  },
  serve: {
    examples: [
      'gongshu serve --project DIR',
      'gongshu serve --project DIR --port 0 --no-schedules --json',
      'gongshu serve --project DIR --shutdown-timeout 60',
    ],
    exits: {
      0: 'stopped by SIGTERM or SIGINT (the warehouse closed, its lock released)',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  schedules: {
    examples: ['gongshu schedules list --project DIR', 'gongshu schedules run nightly --project DIR --json'],
    exits: {
      0: 'listed, or the schedule ran',
      1: 'run: a step of the schedule failed',
      ...USAGE,
      ...WAREHOUSE,
    },
  },
  calendar: {
    examples: ['gongshu calendar check --project DIR', 'gongshu calendar check --today 2026-12-01 --json'],
    exits: {
      0: 'this year and (from 1 December) next year have an official calendar',
      1: 'a year is missing: working days there fall back to Monday–Friday',
      ...USAGE,
    },
  },
  init: {
    examples: [
      'gongshu init tianshan',
      'gongshu init hetian --node 653200 --level prefecture --name 和田地区 --json',
    ],
    exits: { 0: 'the project was written', ...USAGE },
  },
};

/** The text after a command's options: its examples (as the user runs gongshu) and exit codes. */
export function helpFooter(name: string, help: CommandHelp, prefix: string = invocation()): string {
  const rewrite = (line: string) => rewriteHints(line, [name], prefix);
  const exits: Record<number, string | null> = { ...help.exits, [EXIT.internal]: null };
  const codes = Object.keys(exits)
    .map(Number)
    .sort((a, b) => a - b);
  const width = Math.max(...codes.map((c) => String(c).length));
  return [
    '',
    'Examples:',
    ...help.examples.map((e) => `  $ ${rewrite(e)}`),
    '',
    'Exit codes:',
    ...codes.map((c) => `  ${String(c).padEnd(width)}  ${exits[c] ?? EXIT_MEANINGS[c]}`),
  ].join('\n');
}

/** Adds the examples and exit codes of COMMAND_HELP to the end of each command's `--help`. */
export function addHelpFooters(program: Command): void {
  for (const command of program.commands) {
    const help = COMMAND_HELP[command.name()];
    if (help) command.addHelpText('after', () => helpFooter(command.name(), help));
  }
}
