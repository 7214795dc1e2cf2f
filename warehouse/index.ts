export type { ArrowStream } from './arrow-stream.ts';
export { type LockHolder, WarehouseError, WarehouseLockedError } from './errors.ts';
export { acquireLock, type WarehouseLock } from './lock.ts';
export { inList, quoteIdent, quoteLiteral } from './sql.ts';
export { SCHEMA_VERSION } from './system-tables.ts';
export {
  FIXED_TYPES,
  type FixedColumn,
  type FixedType,
  invalidUtf8Row,
  isFixedType,
  type TextColumn,
} from './text-columns.ts';
export {
  type AppendValue,
  DEFAULT_WAREHOUSE_PATH,
  openWarehouse,
  type Params,
  type Row,
  Warehouse,
  type WarehouseOptions,
} from './warehouse.ts';
