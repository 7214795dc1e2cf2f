/**
 * Prints the size figures issue #13 asks for: the median source-file size and every source function longer than
 * 120 lines. Source means the tracked `.ts` files of the layers (not `test/`, `bench/`, `examples/`, `scripts/`
 * or root config files). Usage: `tsx scripts/source-size.ts [--limit 120] [--largest 20]`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const EXCLUDED = /^(test|bench|examples|scripts|node_modules|dist)\//;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) ? value : fallback;
}

/** The tracked source files of the layers. */
function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.ts'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && f.includes('/') && !EXCLUDED.test(f) && !f.endsWith('.d.ts'));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A readable name for a function-like node. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function longFunctions(file: string, limit: number): LongFunction[] {
  const text = readFileSync(resolve(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = source.getLineAndCharacterOfPosition(fn.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(fn.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) found.push({ file, line: start + 1, name: nameOf(fn), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const limit = option('--limit', 120);
const largest = option('--largest', 15);
const files = sourceFiles();
const sizes = files.map((f) => ({ file: f, bytes: statSync(resolve(root, f)).size }));
const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
console.log(
  `${files.length} source files, ${(total / 1024).toFixed(0)} KB; median ${(median(sizes.map((s) => s.bytes)) / 1024).toFixed(2)} KB`,
);
console.log(`largest ${largest}:`);
for (const s of [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, largest)) {
  console.log(`  ${(s.bytes / 1024).toFixed(1).padStart(6)} KB  ${s.file}`);
}
const long = files.flatMap((f) => longFunctions(f, limit)).sort((a, b) => b.lines - a.lines);
console.log(`${long.length} functions over ${limit} lines:`);
for (const f of long) console.log(`  ${String(f.lines).padStart(4)}  ${f.file}:${f.line} ${f.name}`);
