import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/errors.ts';
import { COMMAND_HELP, helpFooter } from '../../cli/help.ts';
import { VersionJson } from '../../cli/json-shapes.ts';
import { buildProgram } from '../../cli/program.ts';
import { duckdbVersion } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';

const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };

/** The long option names a command accepts (its own and the program's), e.g. `--json`, `--no-schedules`. */
function optionNames(command: Command): Set<string> {
  const names = new Set(['--help', '-h']);
  for (const c of [command, command.parent!])
    for (const o of c.options) {
      if (o.long) names.add(o.long);
      if (o.short) names.add(o.short);
    }
  return names;
}

/** Splits a shell command line into words, keeping "quoted text" together. */
function words(line: string): string[] {
  return [...line.matchAll(/"[^"]*"|'[^']*'|\S+/g)].map((m) => m[0]);
}

describe('gongshu --version', () => {
  it('prints the package version and the versions of DuckDB and Node.js', () => {
    const r = gongshu(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`gongshu ${pkg.version} (DuckDB ${duckdbVersion()}, Node.js ${process.version})\n`);
    expect(duckdbVersion()).toMatch(/^v1\.\d+\.\d+/);
  });

  it('as JSON with --json, also after global options and as -V', () => {
    for (const args of [
      ['--version', '--json'],
      ['--debug', '-V', '--json'],
      ['--log-level', 'warn', '--version', '--json'],
    ]) {
      const r = gongshu(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(VersionJson.parse(JSON.parse(r.stdout))).toEqual({
        gongshu: pkg.version,
        duckdb: duckdbVersion(),
        node: process.version,
      });
    }
  });
});

describe("each command's --help ends with examples and exit codes", () => {
  const program = buildProgram();

  it('every command has two or three examples and its exit codes, and nothing else is described', () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual(program.commands.map((c) => c.name()).sort());
    const codes = new Set<number>(Object.values(EXIT));
    for (const [name, help] of Object.entries(COMMAND_HELP)) {
      expect(help.examples.length, name).toBeGreaterThanOrEqual(2);
      expect(help.examples.length, name).toBeLessThanOrEqual(3);
      for (const code of Object.keys(help.exits).map(Number))
        expect(codes.has(code), `${name}: ${code}`).toBe(true);
      expect(Object.keys(help.exits).map(Number), name).toContain(EXIT.usage);
    }
  });

  it('examples run the command they document, with options it has and arguments in its choices', () => {
    for (const command of program.commands) {
      const known = optionNames(command);
      for (const example of COMMAND_HELP[command.name()]!.examples) {
        const argv = words(example.slice(example.indexOf('gongshu ')));
        expect(argv[1], example).toBe(command.name());
        for (const w of argv.slice(2))
          if (w.startsWith('-') && w !== '-') expect(known.has(w), `${example}: ${w}`).toBe(true);
        const operands: string[] = [];
        for (let i = 2; i < argv.length; i++) {
          const w = argv[i]!;
          const option = command.options.find((o) => o.long === w);
          if (option) i += option.required || option.optional ? 1 : 0;
          else if (w === '-' || !w.startsWith('-')) operands.push(w);
        }
        command.registeredArguments.forEach((a, i) => {
          if (a.argChoices) expect(a.argChoices, example).toContain(operands[i]);
          if (a.required) expect(operands[i], `${example}: ${a.name()}`).toBeDefined();
        });
      }
    }
  });

  it('the help a person sees ends with the footer, written the way they run gongshu', () => {
    const plain = gongshu(['validate', '--help']);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trimEnd().endsWith(helpFooter('validate', COMMAND_HELP.validate!, 'gongshu'))).toBe(
      true,
    );
    expect(plain.stdout).toContain(
      [
        'Examples:',
        '  $ gongshu validate citizen-id 11010519491231002X 110105491231002',
        '  $ gongshu validate uscc 91110000600037341L --json',
        '  $ cut -d, -f1 ids.csv | gongshu validate citizen-id - --json',
        '',
        'Exit codes:',
        '  0   every value is valid',
        '  1   a value is invalid',
        '  2   bad usage or a bad definition (nothing was done)',
        '  70  an internal error (a bug: rerun with --debug and report it)',
      ].join('\n'),
    );
    const npm = gongshu(['quality', '--help'], {
      env: { npm_lifecycle_event: 'gongshu', npm_package_name: 'gongshu', npm_command: 'run-script' },
    });
    expect(npm.stdout).toContain('  $ npm run -s gongshu -- quality --project examples/xinjiang\n');
    expect(npm.stdout).toContain('  1   with --fail-on: a rule of that severity or above failed\n');
    const root = gongshu(['--help']);
    expect(root.stdout).toContain('-V, --version');
    expect(root.stdout).toContain('Exit codes:\n  0   ok\n  1   the command ran and found failures');
  });

  it('the validate examples run as shown', () => {
    const [first, second, third] = COMMAND_HELP.validate!.examples;
    expect(gongshu(words(first!).slice(1)).code).toBe(0);
    const uscc = gongshu(words(second!).slice(1));
    expect(uscc.code).toBe(0);
    expect(JSON.parse(uscc.stdout)).toMatchObject({ valid: true, orgCode: '600037341' });
    // cut -d, -f1 ids.csv | …: the values come from stdin.
    const piped = gongshu(words(third!.split('| ')[1]!).slice(1), { input: '11010519491231002X\n' });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ valid: true });
  });
});
