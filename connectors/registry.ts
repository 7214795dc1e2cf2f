import { DefinitionError, definitionMessage } from '../schemas/index.ts';
import { arrow } from './arrow/arrow.ts';
import type { ArrowOptionsInput } from './arrow/options.ts';
import { csv } from './csv/csv.ts';
import type { CsvOptionsInput } from './csv/options.ts';
import { excel } from './excel/excel.ts';
import type { ExcelOptionsInput } from './excel/options.ts';
import { folder } from './folder/folder.ts';
import type { FolderOptionsInput } from './folder/options.ts';
import { http } from './http/http.ts';
import type { HttpOptionsInput } from './http/options.ts';
import { json } from './json/json.ts';
import type { JsonOptionsInput } from './json/options.ts';
import { mysql } from './mysql/mysql.ts';
import type { MysqlOptionsInput } from './mysql/options.ts';
import type { ParquetOptionsInput } from './parquet/options.ts';
import { parquet } from './parquet/parquet.ts';
import type { PostgresOptionsInput } from './postgres/options.ts';
import { postgres } from './postgres/postgres.ts';
import type { Connector } from './types.ts';

/** Creates a connector from options that the factory validates itself (zod). */
export type ConnectorFactory = (options: unknown) => Connector;

/** Source kind → factory. Each connector folder adds its entry here. */
const FACTORIES: Readonly<Record<string, ConnectorFactory>> = Object.freeze({
  arrow: (options: unknown) => arrow(options as ArrowOptionsInput),
  csv: (options: unknown) => csv(options as CsvOptionsInput),
  excel: (options: unknown) => excel(options as ExcelOptionsInput),
  folder: (options: unknown) => folder(options as FolderOptionsInput),
  http: (options: unknown) => http(options as HttpOptionsInput),
  json: (options: unknown) => json(options as JsonOptionsInput),
  mysql: (options: unknown) => mysql(options as MysqlOptionsInput),
  parquet: (options: unknown) => parquet(options as ParquetOptionsInput),
  postgres: (options: unknown) => postgres(options as PostgresOptionsInput),
});

/** The registered connector kinds, sorted. */
export function connectorKinds(): string[] {
  return Object.keys(FACTORIES).sort();
}

/**
 * Creates a connector by kind, e.g. from project config; options are validated by the factory.
 *
 * @example
 * const source = createConnector('csv', { path: 'data/hukou.csv' });
 */
export function createConnector(kind: string, options: unknown): Connector {
  const factory = Object.hasOwn(FACTORIES, kind) ? FACTORIES[kind] : undefined;
  if (factory === undefined) {
    const allowed = connectorKinds()
      .map((k) => JSON.stringify(k))
      .join(' | ');
    throw new DefinitionError(
      definitionMessage({
        where: 'createConnector()',
        field: 'kind',
        expected: `one of ${allowed}`,
        got: JSON.stringify(kind),
        fix: `createConnector(${JSON.stringify(connectorKinds()[0])}, { … })`,
      }),
      { field: 'kind', allowed },
    );
  }
  return factory(options);
}
