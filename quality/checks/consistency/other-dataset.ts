/** The other dataset of a cross-table rule. */
import { RuleError } from '../../errors.ts';
import type { CompileContext, DatasetInfo } from '../../plan.ts';

/** The other dataset of a cross-table rule, with its table checked. */
export function otherDataset(ctx: CompileContext, name: string): DatasetInfo {
  const other = ctx.datasets.get(name);
  if (!other) {
    throw new RuleError(
      `dataset "${name}" is not in the warehouse (known: ${[...ctx.datasets.keys()].join(', ')}). Fix: load it first, or name a loaded dataset`,
    );
  }
  return other;
}
