/** The connectors layer: the connector contract, source errors, the CSV connector and the registry. */
export { csv } from './csv/csv.ts';
export type { CsvEncoding } from './csv/encoding.ts';
export type { CsvOptions, CsvOptionsInput } from './csv/options.ts';
export { csvOptionsSchema } from './csv/options.ts';
export { SourceError } from './errors.ts';
export { type MemoryOptions, memory } from './memory/memory.ts';
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
} from './types.ts';
