import type { SourceColumnType } from '../types.ts';

/** MySQL protocol column type codes (`columnType` in the field metadata). */
export const MYSQL_TYPES = Object.freeze({
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
});

/** The `binary` character set: BLOB/BINARY/VARBINARY (and BIT) columns carry bytes, not text. */
export const BINARY_CHARSET = 63;

/** The session time zone the connector sets, appended to TIMESTAMP values (instants) as their offset. */
export const SESSION_TIME_ZONE = '+08:00';

/** What the connector needs to know about one result column. */
export interface MysqlField {
  readonly columnType?: number | undefined;
  readonly characterSet?: number | undefined;
  readonly columnLength?: number | undefined;
}

/**
 * The source column type of a result field. MySQL has no boolean type: BOOLEAN is TINYINT(1) and maps to
 * integer (0/1); BIT(1) maps to boolean. DATETIME has no zone; TIMESTAMP is an instant, shown with the offset.
 */
export function mysqlColumnType(field: MysqlField): SourceColumnType | undefined {
  const T = MYSQL_TYPES;
  switch (field.columnType) {
    case T.TINY:
    case T.SHORT:
    case T.LONG:
    case T.INT24:
    case T.LONGLONG:
    case T.YEAR:
      return 'integer';
    case T.DECIMAL:
    case T.NEWDECIMAL:
    case T.FLOAT:
    case T.DOUBLE:
      return 'decimal';
    case T.DATE:
    case T.NEWDATE:
      return 'date';
    case T.DATETIME:
    case T.TIMESTAMP:
      return 'timestamp';
    case T.BIT:
      return field.columnLength === 1 ? 'boolean' : 'integer';
    case T.GEOMETRY:
      return undefined;
    default:
      return 'string';
  }
}

/** Turns one value as mysql2 delivers it (string, number, Buffer, object) into canonical text. */
export type MysqlCanonicaliser = (value: unknown) => string;

const toText: MysqlCanonicaliser = (value) => String(value);

/** Bytes as PostgreSQL spells bytea: `\x` and lower-case hex. */
const hex: MysqlCanonicaliser = (value) => `\\x${(value as Buffer).toString('hex')}`;

const bit1: MysqlCanonicaliser = (value) => ((value as Buffer)[0] === 1 ? 'true' : 'false');

const bits: MysqlCanonicaliser = (value) => {
  const buffer = value as Buffer;
  return buffer.length === 0 ? '0' : BigInt(`0x${buffer.toString('hex')}`).toString();
};

/** `2024-01-02 03:04:05.123` → `2024-01-02T03:04:05.123`; zero dates (`0000-00-00 …`) stay as sent. */
const datetime: MysqlCanonicaliser = (value) => {
  const text = value as string;
  return text.startsWith('0000') || text.charCodeAt(10) !== 32
    ? text
    : `${text.slice(0, 10)}T${text.slice(11)}`;
};

const timestamp: MysqlCanonicaliser = (value) => {
  const text = value as string;
  return text.startsWith('0000') || text.charCodeAt(10) !== 32
    ? text
    : `${text.slice(0, 10)}T${text.slice(11)}${SESSION_TIME_ZONE}`;
};

const geometry: MysqlCanonicaliser = (value) => JSON.stringify(value);

/**
 * The canonicaliser for a field, given the mysql2 options the connector uses (`dateStrings`,
 * `bigNumberStrings`, `decimalNumbers: false`, `jsonStrings`); undefined when the value is already text.
 */
export function mysqlCanonicaliser(field: MysqlField): MysqlCanonicaliser | undefined {
  const T = MYSQL_TYPES;
  switch (field.columnType) {
    case T.TINY:
    case T.SHORT:
    case T.LONG:
    case T.INT24:
    case T.YEAR:
    case T.FLOAT:
    case T.DOUBLE:
      return toText;
    case T.DATETIME:
      return datetime;
    case T.TIMESTAMP:
      return timestamp;
    case T.BIT:
      return field.columnLength === 1 ? bit1 : bits;
    case T.GEOMETRY:
      return geometry;
    case T.LONGLONG:
    case T.DECIMAL:
    case T.NEWDECIMAL:
    case T.DATE:
    case T.NEWDATE:
    case T.TIME:
    case T.JSON:
      return undefined;
    default:
      return field.characterSet === BINARY_CHARSET ? hex : undefined;
  }
}

/**
 * A cursor value in canonical spelling → a literal MySQL compares correctly in the session zone:
 * `2024-06-01T08:00:00+08:00` → `2024-06-01 08:00:00`; other offsets are converted to +08:00.
 */
export function mysqlCursorLiteral(after: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(after);
  if (match === null) return after;
  const [, date, time, fraction = '', offset] = match;
  if (offset === undefined || offset === SESSION_TIME_ZONE) return `${date} ${time}${fraction}`;
  const instant = Date.parse(`${date}T${time}${offset}`);
  const shifted = new Date(instant + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}${fraction}`;
}
