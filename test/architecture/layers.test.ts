/**
 * The architecture, enforced: layers import downward only and enter another layer through its index.ts; the
 * top-level folders form no cycle; each system table is named in SQL by its owner module only; quoting,
 * freezing and id making are each defined once. See README "Architecture".
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LATER_SYSTEM_TABLES, LEGACY_SYSTEM_TABLES } from '../../warehouse/system-tables.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Layers and their rank: a file may import only layers of a lower rank (cli → project → … → schemas). */
const RANK: Record<string, number> = {
  schemas: 0,
  warehouse: 1,
  connectors: 2,
  quality: 2,
  pipelines: 3,
  jobs: 4,
  platform: 4,
  governance: 5,
  reports: 6,
  project: 7,
  cli: 8,
  public: 8,
};
/** Imports of a folder that is not a layer, allowed from one layer, with the reason. */
const ALLOWED_OUTSIDE: Record<string, { from: string; why: string }> = {
  examples: { from: 'cli', why: '`gongshu demo` (npm start) generates and runs the example region' },
};

/** Files of another layer imported past its index.ts, by the one file allowed to, with the reason. */
const ALLOWED_PAST_INDEX: Record<string, { from: string; why: string }> = {
  'warehouse/version.ts': {
    from: 'cli/version.ts',
    why: '`gongshu --version` reads the DuckDB version without loading the warehouse layer (startup, issue #21)',
  },
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const FILES = Object.keys(RANK)
  .filter((layer) => {
    try {
      return statSync(join(ROOT, layer)).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap((layer) => sourceFiles(join(ROOT, layer)))
  .map((path) => ({ path, rel: relative(ROOT, path), layer: relative(ROOT, path).split('/')[0]! }));

interface Parsed {
  readonly imports: { spec: string; line: number }[];
  /** The text of every string literal and template part (comments excluded). */
  readonly strings: { text: string; line: number }[];
}

const parsed = new Map<string, Parsed>();
function parse(path: string): Parsed {
  const cached = parsed.get(path);
  if (cached) return cached;
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const result: Parsed = { imports: [], strings: [] };
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      result.imports.push({ spec: node.moduleSpecifier.text, line: lineOf(node) });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      result.imports.push({ spec: node.arguments[0].text, line: lineOf(node) });
    }
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      result.strings.push({ text: node.text, line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(path, result);
  return result;
}

/** Relative imports of a file that leave its top-level folder: `{ line, target folder, target file }`. */
function crossImports(file: (typeof FILES)[number]) {
  return parse(file.path)
    .imports.filter((i) => i.spec.startsWith('.'))
    .map((i) => {
      const target = relative(ROOT, resolve(dirname(file.path), i.spec));
      return { ...i, target, folder: target.split('/')[0]! };
    })
    .filter((i) => i.folder !== file.layer);
}

describe('architecture', () => {
  it('finds the layers', () => {
    expect(FILES.length).toBeGreaterThan(150);
    const layers = new Set(FILES.map((f) => f.layer));
    for (const layer of [
      'schemas',
      'warehouse',
      'connectors',
      'quality',
      'pipelines',
      'jobs',
      'platform',
      'reports',
      'project',
      'cli',
      'public',
    ]) {
      expect(layers.has(layer), layer).toBe(true);
    }
  });

  it('imports only lower layers (cli → project → reports → governance → jobs/platform → pipelines → quality/connectors → warehouse → schemas)', () => {
    const bad: string[] = [];
    for (const file of FILES) {
      for (const i of crossImports(file)) {
        const outside = ALLOWED_OUTSIDE[i.folder];
        if (outside) {
          if (outside.from !== file.layer)
            bad.push(`${file.rel}:${i.line} imports ${i.target} (${i.folder}/ is for ${outside.from}/ only)`);
          continue;
        }
        const rank = RANK[i.folder];
        if (rank === undefined || rank >= RANK[file.layer]!) {
          bad.push(`${file.rel}:${i.line} imports ${i.target}: ${i.folder}/ is not below ${file.layer}/`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('enters another layer only through its index.ts', () => {
    const bad = FILES.flatMap((file) =>
      crossImports(file)
        .filter((i) => RANK[i.folder] !== undefined && i.target !== `${i.folder}/index.ts`)
        .filter((i) => ALLOWED_PAST_INDEX[i.target]?.from !== file.rel)
        .map((i) => `${file.rel}:${i.line} imports ${i.target}; use ${i.folder}/index.ts`),
    );
    expect(bad).toEqual([]);
  });

  it('has no import cycle between top-level folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of FILES) {
      for (const i of crossImports(file)) {
        if (RANK[i.folder] === undefined) continue;
        edges.set(file.layer, (edges.get(file.layer) ?? new Set()).add(i.folder));
      }
    }
    const cycles: string[] = [];
    const walk = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      for (const next of edges.get(node) ?? []) walk(next, [...path, node]);
    };
    for (const layer of edges.keys()) walk(layer, []);
    expect(cycles).toEqual([]);
  });

  it('names each system table in SQL only in its owner module (warehouse/system/)', () => {
    const names = [...LEGACY_SYSTEM_TABLES.flatMap(([old, now]) => [old, now]), ...LATER_SYSTEM_TABLES];
    const pattern = new RegExp(`\\b(${names.map((n) => n.replace('.', '\\.')).join('|')})\\b`);
    /** Files that may name a system table, and why. */
    const owners: Record<string, string> = {
      'warehouse/system-tables.ts': 'lists the first layout’s names to convert old warehouses',
      'schemas/identifier-macros.ts':
        'the division macro reads the division table; schemas/ is below warehouse/, whose reference-tables.ts takes the name from it',
    };
    const bad = FILES.filter((f) => !f.rel.startsWith('warehouse/system/') && !(f.rel in owners)).flatMap(
      (file) =>
        parse(file.path)
          .strings.filter((s) => pattern.test(s.text))
          .map(
            (s) => `${file.rel}:${s.line} names ${pattern.exec(s.text)![1]}; use the owner module's constant`,
          ),
    );
    expect(bad).toEqual([]);
  });

  it('defines SQL quoting, deep freezing and id making once', () => {
    const rules: { what: string; pattern: RegExp; home: string; also?: Record<string, string> }[] = [
      {
        what: 'SQL quoting',
        pattern: /replaceAll\((['"])(\\?['"])\1, (['"])\2\2\3\)|replace\(\/['"]\/g/,
        home: 'schemas/sql.ts',
        also: {
          'reports/csv.ts': 'quotes CSV fields (RFC 4180), not SQL',
          'governance/catalog-lifecycle/export.ts':
            'quotes CSV fields of the catalog export (RFC 4180), not SQL',
        },
      },
      {
        what: 'deep freezing',
        pattern: /function deepFreeze|function freezeDeep/,
        home: 'schemas/freeze.ts',
      },
      { what: 'id making', pattern: /toISOString\(\)\.replace\(\/\[-:T\]\/g/, home: 'schemas/ids.ts' },
    ];
    const bad: string[] = [];
    for (const rule of rules) {
      for (const file of FILES) {
        if (file.rel === rule.home || (rule.also && file.rel in rule.also)) continue;
        const text = readFileSync(file.path, 'utf8');
        if (rule.pattern.test(text)) bad.push(`${file.rel}: defines ${rule.what} again; use ${rule.home}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
