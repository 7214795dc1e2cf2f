import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';

/** A glob split into the directory to walk and a matcher for paths below it. */
export interface CompiledGlob {
  /** The leading part without wildcards (`drop` for `drop/hukou-*.csv`; `.` when the glob starts with one). */
  readonly base: string;
  /** Matches a `/`-separated path relative to `base`. */
  readonly pattern: RegExp;
  /** How many directory levels below `base` to walk (Infinity with `**`). */
  readonly depth: number;
}

/** Splits a glob (`*`, `?`, `**`; `/` or the platform separator) into a base directory and a matcher. */
export function compileGlob(glob: string): CompiledGlob {
  const parts = glob.split(sep === '\\' ? /[\\/]/ : '/');
  const firstWild = parts.findIndex((p) => /[*?]/.test(p));
  const cut = firstWild < 0 ? parts.length - 1 : firstWild;
  const baseParts = parts.slice(0, cut);
  const base =
    baseParts.length === 0 ? '.' : baseParts.join('/') === '' && isAbsolute(glob) ? '/' : baseParts.join('/');
  const rest = parts.slice(cut);
  const source = rest
    .map((part, i) => {
      if (part === '**') return i === rest.length - 1 ? '.*' : '(?:[^/]+/)*';
      const body = part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]');
      return i === rest.length - 1 ? body : `${body}/`;
    })
    .join('');
  return {
    base,
    pattern: new RegExp(`^${source}$`),
    depth: rest.includes('**') ? Number.POSITIVE_INFINITY : rest.length,
  };
}

/** The files matching a glob, in name order (code-unit order of the full path). Node 20 has no fs.glob. */
export async function matchFiles(glob: string): Promise<string[]> {
  const { base, pattern, depth } = compileGlob(glob);
  const found: string[] = [];
  const walk = async (dir: string, relative: string, level: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (level === 0) throw error;
      return; // an unreadable subdirectory is skipped, like a shell glob does
    }
    for (const entry of entries) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (level + 1 < depth) await walk(full, rel, level + 1);
      } else if (entry.isFile() && pattern.test(rel)) {
        found.push(base === '.' && !glob.startsWith('./') ? rel : `${base === '/' ? '' : base}/${rel}`);
      }
    }
  };
  await walk(base, '', 0);
  return found.sort();
}
