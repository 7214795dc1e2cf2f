/**
 * Module hooks registered by project/typescript.ts when the compiled package (dist/) imports a project's
 * TypeScript: an import that resolves to one of gongshu's own TypeScript sources (a test project or the example
 * importing `<package>/project/index.ts`) loads the compiled module of the same file instead, so the process
 * holds one copy of gongshu (one set of error classes, one DuckDB binding), the copy the CLI runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Redirect {
  /** The package root as a file URL, with a trailing slash. */
  root: string;
  /** The top-level folders compiled to dist/. */
  layers: readonly string[];
}

let redirect: Redirect | undefined;

/** The compiled module of a gongshu source URL (`<root>/<layer>/….ts` → `<root>/dist/<layer>/….js`), or the URL. */
export function compiledUrl(url: string, r: Redirect): string {
  if (!url.startsWith(r.root) || !url.endsWith('.ts')) return url;
  const rest = url.slice(r.root.length);
  if (!r.layers.includes(rest.split('/')[0] ?? '')) return url;
  const js = `${r.root}dist/${rest.slice(0, -'.ts'.length)}.js`;
  return existsSync(fileURLToPath(js)) ? js : url;
}

/** Receives the package root and the compiled layers (module.register's `data`). */
export function initialize(data: Redirect): void {
  redirect = data;
}

type Resolved = { url: string; format?: string | null | undefined };

/** Resolves as the next hook does (tsx's), then swaps a gongshu source for its compiled module. */
export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<Resolved>,
): Promise<Resolved> {
  const resolved = await next(specifier, context);
  if (!redirect) return resolved;
  const url = compiledUrl(resolved.url, redirect);
  return url === resolved.url ? resolved : { ...resolved, url, format: 'module' };
}
