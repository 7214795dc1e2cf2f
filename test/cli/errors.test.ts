import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentProblems, isCalendarDate, nameLike } from '../../cli/arguments.ts';
import { CliError, errorReport, errorStack } from '../../cli/errors.ts';
import { invocation, rewriteHints } from '../../cli/invocation.ts';
import { CliErrorJson } from '../../cli/json-shapes.ts';
import { csv } from '../../connectors/index.ts';
import { definePipeline } from '../../pipelines/index.ts';
import { gongshu } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { countyProject } from './fixture.ts';

/** The error line of a --json run: the last stdout line, checked against the published shape. */
function jsonError(r: ReturnType<typeof gongshu>) {
  const last = r.lines.at(-1);
  expect(last, `no JSON on stdout; stderr: ${r.stderr}`).toBeDefined();
  const parsed = CliErrorJson.parse(JSON.parse(last!));
  expect(parsed.error.exitCode).toBe(r.code);
  // The same message goes to stderr for people.
  expect(r.stderr).toContain(`gongshu: ${parsed.error.message.split('\n')[0]}`);
  return parsed.error;
}

describe('--json errors: one {"error": …} line on stdout as well as the human line on stderr', () => {
  it('a project without a parent cannot push (exit 2, before the keys and the warehouse)', () => {
    const dir = countyProject();
    const r = gongshu(['push', '--project', dir, '--json']);
    expect(r.code).toBe(2);
    const e = jsonError(r);
    expect(e).toMatchObject({ code: 'definition', exitCode: 2 });
    expect(e.message).toContain('node 650102 has no parent to push to');
    expect(e.fix).toBe('set platform.parent: { id, url, publicKey } in the project');
    expect(existsSync(join(dir, '.gongshu'))).toBe(false);
  });

  it('a warehouse that cannot be opened (exit 3)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'w.duckdb'), 'not a database');
    const r = gongshu(['sql', 'SELECT 1', '--warehouse', join(dir, 'w.duckdb'), '--json']);
    expect(r.code).toBe(3);
    expect(jsonError(r)).toMatchObject({ code: 'warehouse', exitCode: 3 });
  });

  it('a missing project names the fix (exit 2)', () => {
    const dir = tempDir();
    const r = gongshu(['catalog', '--project', dir, '--json']);
    expect(r.code).toBe(2);
    const e = jsonError(r);
    expect(e.code).toBe('definition');
    expect(e.fix).toBe('pass --project DIR, or gongshu init DIR');
  });

  it('an unknown command and a missing command (commander errors of the program itself)', () => {
    const unknown = gongshu(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(jsonError(unknown)).toMatchObject({ code: 'usage', message: "unknown command 'frobnicate'" });
    const none = gongshu(['--json']);
    expect(none.code).toBe(2);
    expect(CliErrorJson.parse(JSON.parse(none.lines.at(-1)!)).error.code).toBe('usage');
  });

  it('a value error after partial output: validate prints its lines, then the error', () => {
    const r = gongshu(['validate', 'passport', 'x', '--json']);
    expect(r.code).toBe(2);
    expect(jsonError(r)).toMatchObject({
      code: 'usage',
      message: 'KIND: expected one of citizen-id, uscc, division; got "passport". Fix: citizen-id',
    });
  });

  it('without --json stdout stays empty', () => {
    const r = gongshu(['quality', '--as-of', '2026-13-01']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('gongshu: --as-of: expected a calendar date YYYY-MM-DD; got "2026-13-01"');
  });

  it('an internal error says it is a bug and how to report it', () => {
    expect(errorReport(new TypeError('x is undefined'))).toEqual({
      code: 'internal',
      message: 'internal error: x is undefined',
      fix: 'this is a bug in gongshu: rerun with --debug and report the output',
      exitCode: 70,
    });
  });

  it('an internal error masks the identity numbers a DuckDB or Node message echoes, in its message and stack', () => {
    const error = new Error('Conversion Error: Could not convert string "11010519491231002X" to INT32');
    expect(errorReport(error).message).toBe(
      'internal error: Conversion Error: Could not convert string "110105********002X" to INT32',
    );
    expect(errorStack(error)).toContain('"110105********002X"');
    expect(errorStack(error)).not.toContain('11010519491231002X');
  });
});

describe('every problem of a command line or a definition is reported together', () => {
  it('ingest: the bad dataset name, mode, key and header row all at once, nothing opened', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.csv'), 'a,b\n1,2\n');
    const r = gongshu(
      [
        'ingest',
        'x.csv',
        '--dataset',
        'Bad-Name',
        '--mode',
        'bogus',
        '--key',
        'foo',
        '--header-row',
        '0',
        '--warehouse',
        'w.duckdb',
        '--json',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(2);
    const e = jsonError(r);
    expect(e.problems).toEqual([
      '--mode: expected one of append, replace, merge; got "bogus". Fix: --mode append',
      '--dataset: expected a name of lower-case letters, digits and _ starting with a letter; got "Bad-Name". Fix: --dataset bad_name',
      '--key: expected citizen-id:COLUMN or uscc:COLUMN; got "foo". Fix: --key citizen-id:公民身份号码',
      '--header-row: expected an integer from 1 to 1,048,576; got "0". Fix: --header-row 3',
    ]);
    expect(e.message.split('\n')[0]).toBe('4 problems in the command line:');
    expect(e.fix).toBe('--mode append; --dataset bad_name; --key citizen-id:公民身份号码; --header-row 3');
    expect(r.stderr).not.toContain('more problem');
    expect(existsSync(join(dir, 'w.duckdb'))).toBe(false);
  });

  it("commander's own problems (a missing option, a missing file) come with the others", () => {
    const dir = tempDir();
    const r = gongshu(['ingest', 'missing.csv', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(jsonError(r).problems).toEqual([
      "required option '--dataset <name>' not specified. Fix: see gongshu ingest --help, e.g. gongshu ingest people.csv --dataset hukou --key citizen-id:公民身份号码",
      'PATH: missing.csv: no such file or folder. Fix: check the path (relative paths resolve from the working directory)',
    ]);
  });

  it('an unknown option stops there: the options after it were not read, so nothing else is claimed', () => {
    const r = gongshu(['ingest', 'x.csv', '--bogus', '--dataset', 'ok', '--json']);
    expect(r.code).toBe(2);
    expect(jsonError(r).message).toBe(
      "unknown option '--bogus' (the options after it were not read). Fix: see gongshu ingest --help, e.g. gongshu ingest people.csv --dataset hukou --key citizen-id:公民身份号码",
    );
  });

  it('backflow: a missing dataset and purpose together', () => {
    const r = gongshu(['backflow', '--columns', 'a,,b', '--json']);
    expect(r.code).toBe(2);
    const problems = jsonError(r).problems ?? [];
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^missing required argument 'dataset'/);
    expect(problems[1]).toMatch(/^--columns: expected comma-separated column names; got "a,,b"/);
    expect(problems[2]).toMatch(/^--purpose: expected the use scenario/);
  });

  it('a definition names every bad field, one line each (no "more problem(s)" left hidden)', () => {
    let error: unknown;
    try {
      definePipeline({
        name: 'Bad-Name',
        source: csv({ path: 'x.csv' }),
        dataset: { name: 'Bad-Name', writeMode: 'upsert' as 'merge' },
      });
    } catch (e) {
      error = e;
    }
    const report = errorReport(error);
    expect(report.code).toBe('definition');
    expect(report.problems).toHaveLength(3);
    expect(report.message.split('\n')).toHaveLength(3);
    expect(report.message).toContain('name: expected text matching');
    expect(report.message).toContain('dataset.name: expected text matching');
    expect(report.message).toContain('dataset.writeMode: expected');
    expect(report.message).not.toContain('more problem');
  });
});

describe('arguments are validated before any work starts', () => {
  it('quality --as-of 2026-13-01 exits 2 with a fix before assessing anything', () => {
    const dir = countyProject();
    expect(gongshu(['run', '--project', dir]).code).toBe(0);
    const r = gongshu(['quality', '--project', dir, '--as-of', '2026-13-01', '--json']);
    expect(r.code).toBe(2);
    const e = jsonError(r);
    expect(e.message).toMatch(
      /^--as-of: expected a calendar date YYYY-MM-DD; got "2026-13-01"\. Fix: --as-of \d{4}-\d{2}-\d{2}$/,
    );
    // Nothing was assessed: no report file, no quality run recorded.
    expect(existsSync(join(dir, '.gongshu', 'reports'))).toBe(false);
    const runs = gongshu([
      'sql',
      'SELECT count(*) AS n FROM gongshu.quality_runs',
      '--project',
      dir,
      '--json',
    ]);
    expect(Number(JSON.parse(runs.lines[0]!).n)).toBe(0);
    // A real date then works.
    expect(gongshu(['quality', '--project', dir, '--as-of', '2026-02-28']).code).toBe(0);
  });

  it('numbers, names and paths of several commands', () => {
    const cases: [string[], string][] = [
      [['runs', '--limit', '0'], '--limit: expected a positive integer; got "0". Fix: --limit 20'],
      [['build', '--concurrency', 'two'], '--concurrency: expected a positive integer; got "two"'],
      [['demo', '--people', '50'], '--people: expected an integer from 100 to 5,000,000; got "50"'],
      [['serve', '--port', '70000'], '--port: expected an integer from 0 to 65,535; got "70000"'],
      [['quality', '--dataset', 'Hukou'], '--dataset: expected a name of lower-case letters'],
      [['report', '--report', 'nope.json'], '--report: nope.json: no such file or folder'],
      [['run', '--project', 'no/such/dir'], '--project: no/such/dir: no such file or folder'],
      [['validate', 'division', '650102', '--divisions', 'nope.csv'], '--divisions: nope.csv: no such file'],
      [['ingest', 'people.pdf', '--dataset', 'x'], 'PATH: expected a file named .csv'],
    ];
    for (const [args, message] of cases) {
      const r = gongshu(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`gongshu: ${message}`);
    }
  });

  it('calendar dates, names and integers (table)', () => {
    expect(
      ['2026-11-29', '2024-02-29', '2026-02-29', '2026-13-01', '2026-1-1', '2026-04-31', ''].map(
        isCalendarDate,
      ),
    ).toEqual([true, true, false, false, false, false, false]);
    expect(['Bad-Name', 'hukou', '户籍', '2020_data', 'A b'].map(nameLike)).toEqual([
      'bad_name',
      'hukou',
      'hukou',
      'data',
      'a_b',
    ]);
    const p = new ArgumentProblems();
    p.positiveInteger('--limit', '5', '--limit 20');
    p.integer('--port', '0', 0, 65535, '--port 7460');
    expect(p.messages).toEqual([]);
    p.positiveInteger('--limit', '1.5', '--limit 20');
    p.positiveInteger('--limit', ' ', '--limit 20');
    expect(p.messages).toHaveLength(2);
    expect(() => p.throwIfAny()).toThrow(CliError);
  });
});

describe('hints name the command the way the user ran it', () => {
  it('detects npm run, npx and the installed command', () => {
    expect(invocation({ npm_lifecycle_event: 'gongshu', npm_package_name: 'gongshu' })).toBe(
      'npm run -s gongshu --',
    );
    expect(invocation({ npm_lifecycle_event: 'start', npm_package_name: 'gongshu' })).toBe(
      'npm run -s gongshu --',
    );
    // `npm test` running a test that runs gongshu is not the user typing a command.
    expect(invocation({ npm_lifecycle_event: 'test', npm_package_name: 'gongshu' })).toBe('gongshu');
    expect(invocation({ npm_command: 'exec', npm_lifecycle_event: 'npx' })).toBe('npx gongshu');
    expect(invocation({})).toBe('gongshu');
    expect(rewriteHints('see npx gongshu run', ['run'], 'npx gongshu')).toBe('see npx gongshu run');
    expect(
      rewriteHints(
        'Fix: run `gongshu keys init --project DIR`, see .gongshu/keys and gongshu.runs; gongshu is great',
        ['keys', 'run'],
        'npm run -s gongshu --',
      ),
    ).toBe(
      'Fix: run `npm run -s gongshu -- keys init --project DIR`, see .gongshu/keys and gongshu.runs; gongshu is great',
    );
  });

  it('ingest suggests its sql query as npm run inside the repository and as gongshu when installed', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.csv'), 'a,b\n1,2\n');
    const args = ['ingest', 'x.csv', '--dataset', 'x', '--warehouse', join(dir, 'w.duckdb')];
    const npm = gongshu(args, {
      cwd: dir,
      env: { npm_lifecycle_event: 'gongshu', npm_package_name: 'gongshu', npm_command: 'run-script' },
    });
    expect(npm.code).toBe(0);
    expect(npm.stderr).toContain('query it with: npm run -s gongshu -- sql "SELECT * FROM x LIMIT 10"');
    const installed = gongshu(args, {
      cwd: dir,
      bin: true,
      env: { npm_lifecycle_event: undefined, npm_package_name: undefined, npm_command: undefined },
    });
    expect(installed.code).toBe(0);
    expect(installed.stderr).toContain('query it with: gongshu sql "SELECT * FROM x LIMIT 10"');
  });

  it("a lower layer's hint in an error is rewritten too (JSON message and fix)", () => {
    const dir = countyProject();
    const r = gongshu(['keys', 'show', '--project', dir, '--json'], {
      env: { npm_lifecycle_event: 'gongshu', npm_package_name: 'gongshu', npm_command: 'run-script' },
    });
    expect(r.code).toBe(2);
    const e = jsonError(r);
    expect(e.fix).toContain('`npm run -s gongshu -- keys init --project DIR`');
    expect(e.message).not.toMatch(/(?<!-- )gongshu keys/);
  });
});
