/** Quotes an SQL identifier for DuckDB (`"name"`, inner quotes doubled); Chinese names are fine. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB (`'text'`, inner quotes doubled). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
