/**
 * The quality and build commands: scoring, the dashboard, foundation/theme/topic builds. Each function
 * registers one command; cli/program.ts calls them in help order.
 */
import { type Command, Option } from 'commander';
import { lazy } from './action.ts';

/** Registers `gongshu quality` (its action: cli/commands/quality.ts). */
export function quality(program: Command): void {
  program
    .command('quality')
    .description(
      'score datasets in five quality dimensions (完整性/有效性/及时性/一致性/准确性) and write the report',
    )
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--dataset <names...>', 'datasets to assess; all loaded datasets when omitted')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print the report as JSON (the last line of stdout)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a rule of this severity or above fails').choices([
        'error',
        'warn',
      ]),
    )
    .option('--as-of <date>', 'reference date of timeliness rules (YYYY-MM-DD); defaults to today')
    .option('--no-mask', 'show sample values unmasked (default: masked per the catalog)')
    .action(lazy(() => import('../commands/quality.ts')));
}

/** Registers `gongshu report` (its action: cli/commands/report.ts). */
export function report(program: Command): void {
  program
    .command('report')
    .description('render the static quality dashboard (HTML, report.json, report.md, rules.csv), offline')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--out <dir>', 'output folder; defaults to <project>/out/report')
    .addOption(new Option('--lang <lang>', 'language of the pages').choices(['zh-CN', 'en']).default('zh-CN'))
    .option(
      '--report <file>',
      'the quality report JSON; defaults to the newest in <project>/.gongshu/reports',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print what was written as JSON')
    .action(lazy(() => import('../commands/report.ts')));
}

/** Registers `gongshu build` (its action: cli/commands/build.ts). */
export function build(program: Command): void {
  program
    .command('build')
    .description(
      'build foundation (基础库), theme (主题库) and topic (专题库) databases; names are built with their dependencies',
    )
    .argument(
      '[models...]',
      'foundations/models to build with everything upstream (e.g. topic.elderly_subsidy_2026); all when omitted',
    )
    .option('--select <selectors...>', 'build exactly these: x, +x (with upstream), x+ (with downstream)')
    .option('--full-refresh', 'rebuild foundations fully instead of incrementally')
    .option('--concurrency <n>', 'nodes in flight at once (SQL still runs one at a time)', '1')
    .option('--no-gates', 'build models even when their quality gate would block them')
    .option('--allow-blocked', 'exit 0 when a quality gate blocked a selected model (it stays blocked)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print the build summary as JSON')
    .action(lazy(() => import('../commands/build.ts')));
}
