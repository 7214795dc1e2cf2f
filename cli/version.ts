// `gongshu --version`, light enough for cli/main.ts to answer it before loading the program: it reads
// package.json and the DuckDB bindings' version, nothing else (startup, issue #21).
import { readFileSync } from 'node:fs';
// The one file of another layer imported past its index.ts (test/architecture/layers.test.ts says why).
import { duckdbVersion } from '../warehouse/version.ts';
import { EXIT } from './exit-codes.ts';
import type { Versions } from './json-shapes.ts';
import type { Output } from './output.ts';

/** The versions of gongshu, DuckDB and Node.js (package.json is one folder further up from dist/cli/). */
export function versions(): Versions {
  const pkg = JSON.parse(
    readFileSync(
      new URL(import.meta.url.endsWith('.js') ? '../../package.json' : '../package.json', import.meta.url),
      'utf8',
    ),
  ) as {
    version: string;
  };
  return { gongshu: pkg.version, duckdb: duckdbVersion(), node: process.version };
}

/** `gongshu 0.1.0 (DuckDB v1.5.6, Node.js v20.20.2)`, or the Versions as JSON. */
export async function printVersion(out: Output, options: { json: boolean }): Promise<number> {
  const v = versions();
  if (options.json) out.json(v);
  else out.data(`gongshu ${v.gongshu} (DuckDB ${v.duckdb}, Node.js ${v.node})`);
  return EXIT.ok;
}

/** Whether the command line asks only for the version, with global options around it (`--debug --version --json`). */
export function isVersionRequest(args: readonly string[]): boolean {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--log-level') i++;
    else if (!(a.startsWith('--log-level=') || a === '--debug' || a === '--json')) rest.push(a);
  }
  return rest.length === 1 && (rest[0] === '--version' || rest[0] === '-V');
}
