/** The connectors layer: the connector contract, source errors, the file connectors and the registry. */
export { arrow } from './arrow/arrow.ts';
export type { ArrowOptions, ArrowOptionsInput } from './arrow/options.ts';
export { arrowOptionsSchema } from './arrow/options.ts';
export { csv } from './csv/csv.ts';
export type { CsvEncoding } from './csv/encoding.ts';
export type { CsvOptions, CsvOptionsInput } from './csv/options.ts';
export { csvOptionsSchema } from './csv/options.ts';
export { SourceError } from './errors.ts';
export { excel } from './excel/excel.ts';
export type { ExcelOptions, ExcelOptionsInput } from './excel/options.ts';
export { excelOptionsSchema } from './excel/options.ts';
export { folder, KIND_BY_EXTENSION } from './folder/folder.ts';
export type { FolderOptions, FolderOptionsInput, LoadedFile } from './folder/options.ts';
export { folderOptionsSchema } from './folder/options.ts';
export { http } from './http/http.ts';
export type { HttpOptions, HttpOptionsInput, HttpPagination } from './http/options.ts';
export { httpOptionsSchema } from './http/options.ts';
export type { AppSignatureInput, SignFunction, SignRequest, SignResult } from './http/signing.ts';
export { appSignature, computeAppSign } from './http/signing.ts';
export { json } from './json/json.ts';
export type { JsonOptions, JsonOptionsInput } from './json/options.ts';
export { jsonOptionsSchema } from './json/options.ts';
export { type MemoryOptions, memory } from './memory/memory.ts';
export { mysql } from './mysql/mysql.ts';
export type { MysqlOptions, MysqlOptionsInput } from './mysql/options.ts';
export { mysqlOptionsSchema } from './mysql/options.ts';
export type { ParquetOptions, ParquetOptionsInput } from './parquet/options.ts';
export { parquetOptionsSchema } from './parquet/options.ts';
export { parquet } from './parquet/parquet.ts';
export type { PostgresOptions, PostgresOptionsInput } from './postgres/options.ts';
export { postgresOptionsSchema } from './postgres/options.ts';
export { postgres } from './postgres/postgres.ts';
export type { ConnectorFactory } from './registry.ts';
export { connectorKinds, createConnector } from './registry.ts';
export type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
  IncrementalRequest,
  SourceColumnType,
  SqlRelation,
} from './types.ts';
