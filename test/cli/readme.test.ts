import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliErrorJson } from '../../cli/json-shapes.ts';
import { buildProgram } from '../../cli/program.ts';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const README = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
const LINES = README.split('\n');

/** The fenced code blocks of the README with their language. */
function codeBlocks(): { lang: string; code: string; line: number }[] {
  const blocks: { lang: string; code: string; line: number }[] = [];
  let open: { lang: string; start: number } | undefined;
  LINES.forEach((line, i) => {
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) return;
    if (open) {
      blocks.push({ lang: open.lang, code: LINES.slice(open.start + 1, i).join('\n'), line: open.start + 1 });
      open = undefined;
    } else open = { lang: fence[1]!, start: i };
  });
  expect(open, 'an unclosed code fence').toBeUndefined();
  return blocks;
}

/** README lines outside code blocks. */
function proseLines(): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let inCode = false;
  LINES.forEach((text, i) => {
    if (/^```/.test(text)) inCode = !inCode;
    else if (!inCode) out.push({ text, line: i + 1 });
  });
  return out;
}

/** Cells of a table row, split at unescaped pipes as GitHub does (also inside code spans). */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The tables of the README: runs of lines starting with `|`. */
function tables(): { line: number; rows: string[] }[] {
  const out: { line: number; rows: string[] }[] = [];
  for (const { text, line } of proseLines()) {
    const last = out.at(-1);
    if (!text.startsWith('|')) continue;
    if (last && last.line + last.rows.length === line) last.rows.push(text);
    else out.push({ line, rows: [text] });
  }
  return out;
}

describe('the README renders as GitHub-flavoured Markdown', () => {
  it('every table has a header and a delimiter row, and rows of its width (no blank line cuts one)', () => {
    const found = tables();
    expect(found.length).toBeGreaterThanOrEqual(7);
    for (const t of found) {
      expect(
        t.rows.length,
        `README.md:${t.line}: a table needs a header, a delimiter and rows`,
      ).toBeGreaterThan(2);
      expect(t.rows[1], `README.md:${t.line}: the second line must be the delimiter row`).toMatch(
        /^\|(\s*:?-+:?\s*\|)+$/,
      );
      const width = cells(t.rows[0]!).length;
      for (const [i, row] of t.rows.entries())
        expect(cells(row).length, `README.md:${t.line + i}: cells in this row`).toBe(width);
    }
  });

  it('no link leaves the repository, and every linked file exists', () => {
    const links = [...README.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link, link).not.toMatch(/^[a-z]+:/i);
      expect(link, link).not.toContain('..');
      const path = link.split('#')[0]!;
      if (path) expect(existsSync(join(REPO_ROOT, path)), link).toBe(true);
    }
    expect(README).not.toMatch(/\.\.\/shared|DESIGN\.md|open issues/i);
  });
});

describe('the numbers in the README are the ones the commands print', () => {
  it('npm start generates the residents the README says, for the default --people', async () => {
    const m = /for ([\d,]+) residents \(`--people (\d+)`/.exec(README);
    expect(m, 'README: "for N residents (`--people P`"').not.toBeNull();
    const people = Number(m![2]);
    const demo = buildProgram().commands.find((c) => c.name() === 'demo')!;
    expect(demo.options.find((o) => o.long === '--people')!.defaultValue).toBe(String(people));
    const manifest = await generateRegion({ outDir: tempDir(), people, seed: 20261129, asOf: '2026-11-29' });
    expect(manifest.residents.toLocaleString('en')).toBe(m![1]);
  }, 180_000);

  it('the JSON error shown is what quality --as-of 2026-13-01 --json prints (today as the fixed date)', () => {
    const block = codeBlocks().find((b) => b.lang === 'json')!;
    const shown = CliErrorJson.parse(JSON.parse(block.code));
    const r = gongshu(['quality', '--as-of', '2026-13-01', '--json']);
    expect(r.code).toBe(shown.error.exitCode);
    const today = /--as-of (\d{4}-\d{2}-\d{2})/.exec(r.stdout)![1]!;
    expect(JSON.parse(r.lines.at(-1)!)).toEqual(JSON.parse(block.code.replaceAll('2026-11-29', today)));
  });
});

/** A folder inside the repository (so `gongshu/*` imports resolve through package.json exports), removed after. */
const scratch = join(REPO_ROOT, '.scratch', `readme-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the README's TypeScript snippets type-check and run as written", () => {
  it('type-checks each snippet as a file of a project folder (imports as a user writes them)', () => {
    const ts = codeBlocks().filter((b) => b.lang === 'ts');
    expect(ts.length).toBeGreaterThan(0);
    mkdirSync(scratch, { recursive: true });
    for (const [i, b] of ts.entries()) {
      const name = b.code.includes('export default defineProject') ? 'gongshu.config.ts' : `snippet-${i}.ts`;
      writeFileSync(join(scratch, name), b.code);
    }
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts'] }),
    );
    const tsc = spawnSync(process.execPath, [`${REPO_ROOT}node_modules/typescript/bin/tsc`, '-p', scratch], {
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);

  it('the project snippet loads, lists its catalog and answers the query the README shows', () => {
    expect(existsSync(join(scratch, 'gongshu.config.ts')), 'the type-check test wrote the project').toBe(
      true,
    );
    // "With `data/gongan_hukou.csv` beside it (`公民身份号码,姓名,出生日期` and a row per person), run it from that
    // folder with `gongshu run --project .`, then … ": the paragraph after the snippet.
    const after = README.slice(README.indexOf('export default defineProject'));
    const paragraph = after.slice(after.indexOf('```\n') + 4).split('\n\n')[0]!;
    const header = /`data\/gongan_hukou\.csv` beside it \(`([^`]+)`/.exec(paragraph)![1]!;
    mkdirSync(join(scratch, 'data'), { recursive: true });
    writeFileSync(
      join(scratch, 'data', 'gongan_hukou.csv'),
      `${header}\n11010519491231002X,张三,1949-12-31\n`,
    );
    const commands = [...paragraph.matchAll(/`gongshu ([^`]+)`/g)].map((m) => m[1]!);
    expect(commands).toEqual([
      'run --project .',
      'catalog --project .',
      'sql "SELECT count(*) FROM hukou" --project .',
    ]);
    const argv = (c: string) => [...c.matchAll(/"[^"]*"|\S+/g)].map((m) => m[0].replace(/^"|"$/g, ''));
    const [run, catalog, sql] = commands.map((c) =>
      gongshu([...argv(c), '--json'], { cwd: scratch, bin: true }),
    );
    expect(run!.code, run!.stderr).toBe(0);
    expect(JSON.parse(run!.stdout)).toMatchObject({ status: 'succeeded', rowsLoaded: 1, rowsQuarantined: 0 });
    expect(catalog!.code, catalog!.stderr).toBe(0);
    expect(JSON.parse(catalog!.stdout)).toMatchObject({ dataset: 'hukou', name: '户籍人口登记信息' });
    expect(sql!.code, sql!.stderr).toBe(0);
    // One row per person of the file.
    expect(Object.values(JSON.parse(sql!.lines[0]!) as Record<string, unknown>)).toEqual([1]);
  }, 180_000);
});

/** A command line of the README: as written, and where it is. */
interface ShellCommand {
  readonly text: string;
  readonly where: string;
}

/** The shell command lines of the README: the `sh` blocks and the commands of the task table. */
function shellCommands(): ShellCommand[] {
  const out: ShellCommand[] = [];
  for (const b of codeBlocks().filter((x) => x.lang === 'sh'))
    for (const line of b.code.split('\n'))
      if (line.trim())
        out.push({ text: line.replace(/\s+#.*$/, '').trim(), where: `sh block at line ${b.line}` });
  const tasks = tables().find((t) => /^\|\s*task\s*\|\s*command/.test(t.rows[0]!))!;
  for (const row of tasks.rows.slice(2)) {
    const [task, command] = cells(row);
    let prefix = '';
    let last = '';
    for (const part of [...command!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replaceAll('\\|', '|'))) {
      // `… · validate division 650102` and `· bench:quality` continue the command before them; an option
      // named alone (`--force`) belongs to the command before it.
      const full = /^(npm|cut) /.test(part)
        ? part
        : /^--/.test(part)
          ? `${last} ${part}`
          : `${prefix} ${part}`;
      last = full;
      prefix = /npm run -s gongshu --/.test(full) ? 'npm run -s gongshu --' : 'npm run';
      if (!/^bench\/|\.json$/.test(part)) out.push({ text: full, where: `task "${task}"` });
    }
  }
  return out;
}

/** Commands the test runs, as written (an optional `[--json]` included). */
const RUN = [
  /^npm run -s gongshu -- --version \[--json\]$/,
  /^npm run -s gongshu -- [a-z]+ --help$/,
  /^npm run -s gongshu -- validate (citizen-id|uscc|division) [\dXL ]+( \[--json\])?$/,
  /^npm run -s gongshu -- catalog --project examples\/xinjiang \[--json\]$/,
];

/** Commands the test does not run, and why. Every README command is run or named here. */
const SKIP: [RegExp, string][] = [
  [
    /^npm ci|^npm start|-- demo/,
    'installs or runs the whole example region (about a minute); test/examples runs it',
  ],
  [/^npm test|^npm run check/, 'the test suite itself'],
  [
    /^npm run build/,
    'rebuilds dist/, which the running tests spawn (test/setup/build.ts builds it before the run)',
  ],
  [/^npm run (bench|gen):|^npm run -s gongshu -- bench:/, 'benchmarks and generators write committed files'],
  [
    /--project examples\/xinjiang/,
    'needs the example warehouse that npm start creates; its options are checked against the program',
  ],
  [
    /--project DIR|DATASET/,
    "a placeholder for the reader's own project; its options are checked against the program",
  ],
  [/ids\.csv|people\.csv/, "reads the reader's own file; its options are checked against the program"],
  [
    /^npx gongshu (init|run)|^cd tianshan|-- init DIR/,
    "a new project of the reader's (npm install from a registry); test/project/init.test.ts runs init, run, quality, build and report in a new folder",
  ],
  [/backup keygen/, 'writes a new key file (test/governance runs keygen)'],
];

describe("the README's shell commands", () => {
  const commands = shellCommands();
  const program = buildProgram();

  it('each one is run below or skipped for a stated reason', () => {
    expect(commands.length).toBeGreaterThan(25);
    for (const c of commands) {
      const known = RUN.some((r) => r.test(c.text)) || SKIP.some(([r]) => r.test(c.text));
      expect(known, `${c.where}: ${c.text} is neither run nor skipped with a reason`).toBe(true);
    }
  });

  it('every gongshu command names a real command and its real options', () => {
    for (const c of commands) {
      const m = /npm run -s gongshu -- (.*)$/.exec(c.text);
      if (!m) continue;
      const words = m[1]!.replace(/\[|\]/g, ' ').split(/\s+/).filter(Boolean);
      if (words[0]!.startsWith('--')) {
        expect(['--version', '--help'], c.text).toContain(words[0]);
        continue;
      }
      const command = program.commands.find((x) => x.name() === words[0]);
      expect(command, `${c.where}: ${c.text}: no command ${words[0]}`).toBeDefined();
      const options = new Set([
        '--help',
        ...[command!, program].flatMap((x) => x.options.map((o) => o.long)),
      ]);
      for (const w of words.slice(1))
        if (/^--[a-z]/.test(w)) expect(options.has(w), `${c.text}: ${w}`).toBe(true);
    }
  });

  it('the safe ones run as written and exit 0', () => {
    const safe = commands.filter((c) => RUN.some((r) => r.test(c.text)));
    expect(safe.length).toBeGreaterThanOrEqual(5);
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    for (const k of ['npm_command', 'npm_lifecycle_event', 'npm_package_name']) delete env[k];
    for (const c of safe) {
      const line = c.text.replace(/\[(--json)\]/g, '$1');
      const r = spawnSync('bash', ['-c', line], { cwd: REPO_ROOT, encoding: 'utf8', env, timeout: 120_000 });
      expect(r.status, `${line}\n${r.stderr}`).toBe(0);
      expect(r.stdout.length, line).toBeGreaterThan(0);
    }
  }, 300_000);
});
