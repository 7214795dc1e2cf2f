/**
 * Moves TypeScript files and rewrites every relative import that points at them (and the moved files' own
 * relative imports). Usage: `tsx scripts/move-files.ts old.ts=new.ts [...]`. Used for the architecture moves;
 * kept because the next move needs the same care.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pairs = process.argv.slice(2).map((a) => a.split('=') as [string, string]);
const moved = new Map<string, string>(); // old abs → new abs
for (const [from, to] of pairs) moved.set(resolve(root, from), resolve(root, to));
const back = new Map([...moved].map(([o, n]) => [n, o]));

for (const [from, to] of moved) {
  if (!existsSync(from)) throw new Error(`no such file: ${from}`);
  mkdirSync(dirname(to), { recursive: true });
  execFileSync('git', ['mv', from, to], { cwd: root });
}

const files = execFileSync('git', ['ls-files', '*.ts', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f.endsWith('.ts'));
const SPEC = /((?:from|import)\s*\(?\s*|vi\.mock\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g;
let changed = 0;
for (const rel of files) {
  const now = resolve(root, rel);
  const was = back.get(now) ?? now;
  const text = readFileSync(now, 'utf8');
  const out = text.replace(SPEC, (all, pre: string, quote: string, spec: string) => {
    const targetWas = resolve(dirname(was), spec);
    const targetNow = moved.get(targetWas) ?? targetWas;
    if (targetNow === targetWas && was === now) return all;
    let next = relative(dirname(now), targetNow);
    if (!next.startsWith('.')) next = `./${next}`;
    return `${pre}${quote}${next}${quote}`;
  });
  if (out !== text) {
    writeFileSync(now, out);
    changed++;
  }
}
console.log(`moved ${moved.size} files, rewrote imports in ${changed}`);
