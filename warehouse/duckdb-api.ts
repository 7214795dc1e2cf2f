/**
 * `@duckdb/node-api`, required as CommonJS (which it is). Imported as an ES module, Node first runs its
 * CommonJS export lexer over each of the ~180 files the package re-exports, which took about 0.3 s at every
 * start; required, the package loads in about 0.1 s. Types still come from `import type`.
 */
import { createRequire } from 'node:module';
import type * as DuckDBApi from '@duckdb/node-api';

/** The @duckdb/node-api module (the same instance an `import` of it yields). */
export const duckdbApi = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDBApi;
