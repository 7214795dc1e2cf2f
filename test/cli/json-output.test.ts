import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliErrorJson, cliJsonSchemas, VersionJson } from '../../cli/json-shapes.ts';
import type { AuditEntry, BackflowResult, PushSummary } from '../../platform/index.ts';
import { QualityReport } from '../../schemas/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { countyProject } from './fixture.ts';

/** The declared keys of a type that also has an index signature (`AuditEntry extends Record<string, unknown>`). */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

const README = readFileSync(`${REPO_ROOT}README.md`, 'utf8');

/** The README's "`--json` prints" table: command → the field names its third column lists in backticks. */
function documentedFields(): Map<string, string[]> {
  const start = README.indexOf('\n| command ') + 1;
  expect(start, 'README: the table of --json shapes').toBeGreaterThan(0);
  const rows = README.slice(start).split('\n\n')[0]!.split('\n').slice(2);
  const fields = new Map<string, string[]>();
  for (const row of rows) {
    const cells = row.split('|').map((c) => c.trim());
    const command = cells[1]!.replaceAll('`', '');
    const names = [...cells[3]!.matchAll(/`([^`]*)`/g)].flatMap((m) => m[1]!.split(/,\s*/));
    fields.set(
      command,
      names.map((n) => n.replace(/[{}?]/g, '').trim()).filter((n) => /^[a-zA-Z_]\w*$/.test(n)),
    );
  }
  return fields;
}

const DOCUMENTED = documentedFields();

/** The documented fields of a command (from the README table). */
function fieldsOf(command: string): string[] {
  const f = DOCUMENTED.get(command);
  expect(f, `README documents ${command}`).toBeDefined();
  return f!;
}

/** The objects a --json run printed, one per stdout line. */
function objects(r: ReturnType<typeof gongshu>): Record<string, unknown>[] {
  expect(r.code, r.stderr).toBe(0);
  return r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the published JSON Schemas of the CLI', () => {
  it('are generated from the zod shapes and up to date (UPDATE_SCHEMAS=1 rewrites them)', () => {
    for (const [name, schema] of Object.entries(cliJsonSchemas())) {
      const file = `${REPO_ROOT}schemas/${name}`;
      const text = `${JSON.stringify(schema, null, 2)}\n`;
      if (process.env.UPDATE_SCHEMAS) writeFileSync(file, text);
      expect(JSON.parse(readFileSync(file, 'utf8')), name).toEqual(JSON.parse(text));
    }
  });
});

describe("the README's table of --json output is true", () => {
  it('lists every command', () => {
    const commands = [...DOCUMENTED.keys()].map((c) => c.split(' ')[0]);
    for (const c of [
      'validate',
      'run',
      'catalog',
      'sql',
      'ingest',
      'quarantine',
      'quality',
      'report',
      'build',
      'runs',
      'demo',
      'keys',
      'push',
      'backflow',
      'audit',
      'serve',
    ])
      expect(commands, c).toContain(c);
  });

  it('every command run on a small project prints the documented fields', () => {
    const dir = countyProject();
    const p = ['--project', dir, '--json'];
    const exact = (command: string, value: Record<string, unknown>) =>
      expect(Object.keys(value), command).toEqual(fieldsOf(command));

    const [run] = objects(gongshu(['run', ...p]));
    exact('run', run!);

    const [entry] = objects(gongshu(['catalog', ...p]));
    expect(entry).toMatchObject({ dataset: 'hukou', code: '1/01/001/0001' });

    expect(objects(gongshu(['sql', 'SELECT 42 AS answer', ...p]))).toEqual([{ answer: 42 }]);

    const [quarantined] = objects(gongshu(['quarantine', 'list', ...p]));
    exact('quarantine list', { ...quarantined!, row_json: null });
    const [unmasked] = objects(gongshu(['quarantine', 'list', '--unmasked', ...p]));
    exact('quarantine list', unmasked!);

    const [replay] = objects(gongshu(['quarantine', 'replay', 'hukou', ...p]));
    exact('quarantine replay', replay!);

    const quality = objects(gongshu(['quality', ...p])).at(-1)!;
    exact('quality', quality);
    expect(() => QualityReport.parse(quality)).not.toThrow();

    const [report] = objects(gongshu(['report', '--out', join(dir, 'out'), ...p]));
    exact('report', report!);

    const [build] = objects(gongshu(['build', ...p]));
    exact('build', build!);

    // evaluate and duplicates: the top-level fields, then those of each department (duplicate) as listed.
    const evaluation = objects(gongshu(['evaluate', '--year', '2026', ...p])).at(-1)!;
    const top = Object.keys(evaluation);
    expect([...top, ...Object.keys((evaluation.departments as Record<string, unknown>[])[0]!)]).toEqual(
      fieldsOf('evaluate'),
    );
    const oneSource = objects(gongshu(['duplicates', ...p])).at(-1)!;
    expect(Object.keys(oneSource)).toEqual(fieldsOf('duplicates').slice(0, 2));

    const runs = objects(gongshu(['runs', ...p]));
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) exact('runs', r);

    const [init] = objects(gongshu(['keys', 'init', ...p]));
    exact('keys init', init!);
    const [show] = objects(gongshu(['keys', 'show', ...p]));
    exact('keys show', show!);

    const [verify] = objects(gongshu(['audit', 'verify', ...p]));
    exact('audit verify', verify!);

    const work = tempDir();
    writeFileSync(join(work, 'x.csv'), 'a,b\n1,2\n');
    const [ingest] = objects(
      gongshu(['ingest', 'x.csv', '--dataset', 'x', '--warehouse', 'w.duckdb', '--json'], { cwd: work }),
    );
    exact('ingest', ingest!);

    const [version] = objects(gongshu(['--version', '--json']));
    exact('--version', VersionJson.parse(version));

    const failed = gongshu(['runs', '--limit', 'x', '--json']);
    const error = CliErrorJson.parse(JSON.parse(failed.lines.at(-1)!));
    expect(['error']).toEqual(fieldsOf('any, on error').slice(0, 1));
    expect(fieldsOf('any, on error').slice(1)).toEqual(['code', 'message', 'fix', 'exitCode', 'problems']);
    expect(Object.keys(error.error)).toEqual(['code', 'message', 'fix', 'exitCode']);
  }, 300_000); // about 16 runs of the CLI, each a process that loads the project

  it('validate: the common fields, and each kind adds the documented ones', () => {
    const documented = new Set(fieldsOf('validate'));
    const records = [
      ...objects(gongshu(['validate', 'citizen-id', '11010519491231002X', '--json'])),
      ...objects(gongshu(['validate', 'uscc', '91110000600037341L', '--json'])),
      ...objects(gongshu(['validate', 'division', '650102', '--json'])),
    ];
    for (const r of records) {
      expect(Object.keys(r).slice(0, 5)).toEqual(['input', 'valid', 'normalized', 'reason', 'warnings']);
      for (const k of Object.keys(r)) expect(documented.has(k), k).toBe(true);
    }
    expect(new Set(records.flatMap((r) => Object.keys(r)))).toEqual(documented);
  });

  it('the commands a small project cannot run (push, backflow, audit list, serve, demo) match their types', () => {
    // push, backflow and serve need a parent node and audit list needs transfers (test/platform runs them);
    // demo takes a minute (test/examples). Their documented fields are checked against the TypeScript types
    // they print: a field added to a type fails to compile here until the README and this list say it.
    const push: Record<keyof PushSummary, true> = {
      node: true,
      parent: true,
      batches: true,
      upToDate: true,
      failed: true,
      deadLetters: true,
      rows: true,
      seconds: true,
      summariesSent: true,
    };
    const backflow: Record<keyof BackflowResult, true> = {
      dataset: true,
      table: true,
      rows: true,
      columns: true,
      contentHash: true,
      seconds: true,
    };
    const audit: Record<KnownKeys<AuditEntry>, true> = {
      seq: true,
      recorded_at: true,
      node: true,
      action: true,
      peer: true,
      dataset: true,
      columns: true,
      rows: true,
      content_hash: true,
      purpose: true,
      batch: true,
      chunk: true,
      details: true,
      prev_hash: true,
      hash: true,
    };
    expect(fieldsOf('push')).toEqual(Object.keys(push));
    expect(fieldsOf('backflow')).toEqual(Object.keys(backflow));
    expect(fieldsOf('audit list')).toEqual(Object.keys(audit));
    expect(fieldsOf('serve')).toEqual([
      ...['listening', 'node', 'level', 'url', 'parent', 'pid', 'socket', 'schedules'],
      ...['stopped', 'node', 'pid'],
    ]);
    const serve = readFileSync(`${REPO_ROOT}cli/commands/serve.ts`, 'utf8');
    expect(serve).toMatch(
      /const info = \{\s*node: [^,]+,\s*level: [^,]+,\s*url: [^,]+,\s*parent: [^,]+,\s*pid: process\.pid,\s*socket: [^,]+,\s*schedules: [^\n]+\n\s*\};/,
    );
    expect(serve).toMatch(/stopped: \{\s*node: [^,]+,\s*pid: process\.pid\s*\}/);
    expect(fieldsOf('demo').slice(-6)).toEqual([
      'warehouse',
      'manifestCheck',
      'quality',
      'reportFile',
      'build',
      'dashboard',
    ]);
  });
});
