/**
 * Names a dataset (a table of the warehouse) may not take: they could reach gongshu's system tables or
 * schemas, or shadow DuckDB's own catalog. Compared case-insensitively, as DuckDB compares identifiers.
 */

/** Schemas of gongshu (system tables, foundations, models, pushed and returned data) and of DuckDB. */
export const RESERVED_SCHEMAS: readonly string[] = Object.freeze([
  'gongshu',
  'foundation',
  'theme',
  'topic',
  'received',
  'backflow',
  'main',
  'temp',
  'system',
  'memory',
  'information_schema',
  'pg_catalog',
]);

/** Name prefixes of gongshu's system tables and DuckDB's built-in views (`duckdb_tables`, `sqlite_master`, …). */
export const RESERVED_PREFIXES: readonly string[] = Object.freeze([
  'gongshu_',
  'duckdb_',
  'sqlite_',
  'pg_',
  'pragma_',
]);

/**
 * Why `name` cannot name a dataset, or undefined when it can.
 * @example reservedNameProblem('gongshu_loads') // '"gongshu_loads" is reserved: names starting with gongshu_ …'
 */
export function reservedNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (RESERVED_SCHEMAS.includes(lower)) {
    return `${JSON.stringify(name)} is reserved: it is the name of a schema of gongshu or DuckDB (${RESERVED_SCHEMAS.join(', ')})`;
  }
  const prefix = RESERVED_PREFIXES.find((p) => lower.startsWith(p));
  if (prefix) {
    const owner = prefix === 'gongshu_' ? "gongshu's system tables" : "DuckDB's built-in catalog views";
    return `${JSON.stringify(name)} is reserved: names starting with ${prefix} belong to ${owner}`;
  }
  return undefined;
}

/** A name to suggest instead of a reserved one: the part after the reserved prefix, else `<name>_data`. */
export function unreservedName(name: string): string {
  const lower = name.toLowerCase();
  const prefix = RESERVED_PREFIXES.find((p) => lower.startsWith(p));
  const rest = prefix ? lower.slice(prefix.length) : '';
  if (rest !== '' && /^[a-z]/.test(rest) && !reservedNameProblem(rest)) return rest;
  return `${lower.replace(/[^a-z0-9_]/g, '_')}_data`;
}
