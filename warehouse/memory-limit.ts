import { quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from './warehouse.ts';

/**
 * Runs `work` with DuckDB's memory limit lowered to `limit` (DuckDB spills above it, next to the database), when
 * the warehouse was opened without a limit of its own (by default DuckDB may take 80% of RAM, and holds on to
 * what a large statement used); otherwise, or in memory, read-only, or already within such a call, runs `work`
 * as it is. The limit is DuckDB's, so it holds for the whole instance while `work` runs. The previous limit is
 * SET back afterwards, not RESET: in DuckDB 1.5 `RESET memory_limit` restores the setting's text but leaves the
 * buffer manager at the lowered limit (pragma_database_size() still says 476.8 MiB), and a following foundation
 * build ran out of memory.
 */
export async function withinMemoryLimit<T>(wh: Warehouse, limit: string, work: () => Promise<T>): Promise<T> {
  const bounded = wh.memoryLimit === undefined && wh.path !== ':memory:' && !wh.readOnly && !within.has(wh);
  if (!bounded) return work();
  // Read once per warehouse: DuckDB prints the limit rounded (18.8 GiB), so reading it again after setting it back
  // would drift down by 0.1 GiB per call.
  let previous = defaultLimits.get(wh);
  if (previous === undefined) {
    previous = (await wh.value<string>("SELECT current_setting('memory_limit')")) ?? '';
    defaultLimits.set(wh, previous);
  }
  await wh.run(`SET memory_limit = ${quoteLiteral(limit)}`);
  within.add(wh);
  try {
    return await work();
  } finally {
    within.delete(wh);
    if (previous) await wh.run(`SET memory_limit = ${quoteLiteral(previous)}`).catch(() => undefined);
  }
}

/** DuckDB's own memory limit of each open warehouse, as read before it was first lowered. */
const defaultLimits = new WeakMap<Warehouse, string>();

/** Warehouses inside a `withinMemoryLimit` call. */
const within = new WeakSet<Warehouse>();
