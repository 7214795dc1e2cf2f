import type { SourceColumnType } from '../types.ts';

/** PostgreSQL built-in type OIDs (pg_type.oid, stable across versions) and the source type each maps to. */
export const PG_TYPE_OIDS: Readonly<Record<number, SourceColumnType>> = Object.freeze({
  16: 'boolean', // bool
  17: 'string', // bytea, as PostgreSQL's hex text `\x…`
  18: 'string', // "char"
  19: 'string', // name
  20: 'integer', // int8
  21: 'integer', // int2
  23: 'integer', // int4
  25: 'string', // text
  26: 'integer', // oid
  114: 'string', // json, as JSON text
  142: 'string', // xml
  700: 'decimal', // float4
  701: 'decimal', // float8
  1042: 'string', // bpchar (char(n), blank-padded as stored)
  1043: 'string', // varchar
  1082: 'date', // date
  1083: 'string', // time
  1114: 'timestamp', // timestamp
  1184: 'timestamp', // timestamptz
  1266: 'string', // timetz
  1700: 'decimal', // numeric, exact text
  2950: 'string', // uuid
  3802: 'string', // jsonb, as JSON text
});

/** The source column type of a result field; undefined (text) for types without a mapping (arrays, interval…). */
export function pgColumnType(oid: number): SourceColumnType | undefined {
  return PG_TYPE_OIDS[oid];
}

/** A function turning PostgreSQL's text output of one column into gongshu's canonical spelling. */
export type Canonicaliser = (value: string) => string;

/** `t`/`f` → `true`/`false`. */
const bool: Canonicaliser = (value) => (value === 't' ? 'true' : value === 'f' ? 'false' : value);

/**
 * ISO-style timestamp text → ISO 8601: `2024-01-02 03:04:05.5+08` → `2024-01-02T03:04:05.5+08:00`.
 * Offsets with seconds (local mean time before 1901) and `infinity` pass through unchanged.
 */
const timestamp: Canonicaliser = (value) => {
  if (value.length < 19 || value.charCodeAt(10) !== 32) return value;
  const text = `${value.slice(0, 10)}T${value.slice(11)}`;
  // A bare hour offset (`+08`) gets its minutes; `+05:30` is already ISO.
  const c = text.charCodeAt(text.length - 3);
  return c === 43 || c === 45 ? `${text}:00` : text;
};

/** The canonicaliser for a result field's type OID (with `DateStyle = ISO`); undefined when the text is canonical. */
export function pgCanonicaliser(oid: number): Canonicaliser | undefined {
  if (oid === 16) return bool;
  if (oid === 1114 || oid === 1184) return timestamp;
  return undefined;
}
