/** Quotes an SQL identifier for DuckDB (`"name"`, inner quotes doubled); Chinese names are fine. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB (`'text'`, inner quotes doubled). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `('a', 'b')` — a parenthesised SQL list of text literals, `(NULL)` when empty (DuckDB cannot bind JS arrays). */
export function inList(values: readonly string[]): string {
  return values.length ? `(${values.map(quoteLiteral).join(', ')})` : '(NULL)';
}
