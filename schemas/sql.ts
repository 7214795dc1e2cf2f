/**
 * The one module that quotes SQL. Identifiers and literals go through `quoteIdent` / `quoteLiteral` (or the `sql`
 * tag, which accepts only values of the branded `Sql` type and numbers), so a raw name interpolated where quoted
 * SQL is expected fails to type-check: `sql\`SELECT * FROM ${name}\`` with a plain string is a type error,
 * `sql\`SELECT * FROM ${quoteIdent(name)}\`` is not. Values of statements are bound parameters, not literals.
 */

declare const SQL_BRAND: unique symbol;

/** SQL text made by this module: a quoted identifier or literal, or a fragment built from them. */
export type Sql = string & { readonly [SQL_BRAND]: true };

/** Quotes an SQL identifier for DuckDB and PostgreSQL (`"name"`, inner quotes doubled); Chinese names are fine. */
export function quoteIdent(name: string): Sql {
  return `"${name.replaceAll('"', '""')}"` as Sql;
}

/** Quotes a string literal (`'text'`, inner quotes doubled). */
export function quoteLiteral(text: string): Sql {
  return `'${text.replaceAll("'", "''")}'` as Sql;
}

/** `('a', 'b')` — a parenthesised SQL list of text literals, `(NULL)` when empty (DuckDB cannot bind JS arrays). */
export function inList(values: readonly string[]): Sql {
  return (values.length ? `(${values.map(quoteLiteral).join(', ')})` : '(NULL)') as Sql;
}

/** A comma-separated list of quoted identifiers: `"a", "b"`. */
export function identList(names: readonly string[]): Sql {
  return names.map(quoteIdent).join(', ') as Sql;
}

/**
 * The `sql` tag: SQL text whose interpolations are already-quoted `Sql` values or numbers.
 * @example sql`SELECT count(*) FROM ${quoteIdent(table)} WHERE ${quoteIdent(column)} IS NULL`
 */
export function sql(strings: TemplateStringsArray, ...parts: readonly (Sql | number | bigint)[]): Sql {
  let out = strings[0] ?? '';
  parts.forEach((part, i) => {
    out += String(part) + (strings[i + 1] ?? '');
  });
  return out as Sql;
}

/**
 * ORDER BY terms that sort source locations (`file:line`, `book.xlsx!sheet!row`) in line order, not as text:
 * `a.csv:2` before `a.csv:10`. `column` is SQL (a quoted identifier or an expression).
 */
export function locationOrder(column: string): Sql {
  return `regexp_replace(${column}, '[0-9]+$', ''), TRY_CAST(regexp_extract(${column}, '([0-9]+)$', 1) AS BIGINT), ${column}` as Sql;
}

/** Marks text the program wrote itself (a constant, or SQL a trusted generator produced) as `Sql`. */
export function trustedSql(text: string): Sql {
  return text as Sql;
}
