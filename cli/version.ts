import { readFileSync } from 'node:fs';
import { duckdbVersion } from '../warehouse/index.ts';
import { EXIT } from './errors.ts';
import type { Versions } from './json-shapes.ts';
import type { Output } from './output.ts';

/** The versions of gongshu, DuckDB and Node.js. */
export function versions(): Versions {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return { gongshu: pkg.version, duckdb: duckdbVersion(), node: process.version };
}

/** `gongshu --version`: `gongshu 0.1.0 (DuckDB v1.5.6, Node.js v20.20.2)`, or the Versions as JSON. */
export async function printVersion(out: Output, options: { json: boolean }): Promise<number> {
  const v = versions();
  if (options.json) out.json(v);
  else out.data(`gongshu ${v.gongshu} (DuckDB ${v.duckdb}, Node.js ${v.node})`);
  return EXIT.ok;
}
