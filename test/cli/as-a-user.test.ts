import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gongshuDependency } from '../../cli/commands/init.ts';
import { localTime } from '../../cli/commands/runs.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A project folder with gongshu installed under node_modules as `spec` asked. */
function installedAs(spec: string | undefined): { root: string; dir: string } {
  const dir = tempDir();
  const project = join(dir, 'userproj');
  const root = join(project, 'node_modules', 'gongshu');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'gongshu', version: '0.1.0' }));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'userproj', dependencies: spec === undefined ? {} : { gongshu: spec } }),
  );
  return { root, dir };
}

describe('the gongshu dependency gongshu init writes', () => {
  it('is the tarball the installing project named, as an absolute file: path (npm pack, then npm install)', () => {
    const { root, dir } = installedAs('file:../fresh/gongshu-0.1.0.tgz');
    expect(gongshuDependency(root)).toBe(`file:${join(dir, 'fresh', 'gongshu-0.1.0.tgz')}`);
  });

  it('is the version range when gongshu came from a registry, or when nothing says where it came from', () => {
    expect(gongshuDependency(installedAs('^0.1.0').root)).toBe('^0.1.0');
    expect(gongshuDependency(installedAs(undefined).root)).toBe('^0.1.0');
    expect(gongshuDependency(installedAs('latest').root)).toBe('^0.1.0');
  });

  it('keeps a git or URL spec, and is a file: path to a checkout', () => {
    expect(gongshuDependency(installedAs('git+https://example.org/gongshu.git').root)).toBe(
      'git+https://example.org/gongshu.git',
    );
    expect(gongshuDependency(REPO_ROOT.replace(/\/$/, ''))).toBe(`file:${REPO_ROOT.replace(/\/$/, '')}`);
  });
});

describe('a closed stdout', () => {
  it('ends the output quietly: validate --json | head -c 0 exits 0 without an EPIPE trace', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node ${join(REPO_ROOT, 'bin', 'gongshu.js')} validate citizen-id 11010519491231002X --json | head -c 0; exit \${PIPESTATUS[0]}`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error:/);
    expect(r.status).toBe(0);
  });
});

describe('the npm tarball', () => {
  it('holds no tests, benches, generated example data, dashboards or warehouses', () => {
    // Something for the exclusions to catch, as `npm start` leaves it.
    const out = join(REPO_ROOT, 'examples', 'xinjiang', 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'pack-check.txt'), 'left by test/cli/as-a-user.test.ts\n');
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    rmSync(join(out, 'pack-check.txt'), { force: true });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/cli/main.js');
    expect(
      files.filter(
        (f) =>
          /^(test|bench)\//.test(f) ||
          /^examples\/xinjiang\/(data|out)\//.test(f) ||
          /\.duckdb$|\.gongshu\//.test(f),
      ),
    ).toEqual([]);
  });
});

describe('gongshu runs', () => {
  it('shows start times in the warehouse time zone with their offset, as sql shows a TIMESTAMPTZ', () => {
    expect(localTime('2026-12-06T14:47:22.123Z', 'Asia/Shanghai')).toBe('2026-12-06 22:47:22+08');
    expect(localTime('2026-07-06T14:47:22Z', 'Asia/Kolkata')).toBe('2026-07-06 20:17:22+05:30');
  });
});
