import type { FoundationBuildResult } from './build.ts';
import type { Foundation } from './define.ts';
import { type BuildPlan, hidesKeys } from './plan.ts';

/**
 * The mode of a build and why: full (requested, first build, changed definition, a replace load, a merge that
 * deleted keys not recorded), unchanged (no new loads) or incremental.
 */
export function buildMode(
  f: Foundation,
  plan: BuildPlan,
  c: { readonly fullRefresh: boolean | undefined; readonly exists: boolean; readonly hash: string },
): [FoundationBuildResult['mode'], string] {
  const { sources, state, pending } = plan;
  const replaced = pending.find((p) => p.write_mode === 'replace');
  const hidden = pending.find((p) => hidesKeys(f, sources, p));
  return c.fullRefresh
    ? ['full', 'full refresh requested']
    : !c.exists || !state
      ? ['full', 'first build']
      : state.definition_hash !== c.hash
        ? ['full', 'definition changed']
        : pending.length === 0
          ? ['unchanged', 'no new loads']
          : replaced
            ? ['full', `load ${replaced.load_id} replaced table ${replaced.dataset}`]
            : hidden
              ? [
                  'full',
                  `merge load ${hidden.load_id} deleted rows of ${hidden.dataset} whose keys were not recorded`,
                ]
              : ['incremental', `${pending.length} new load(s)`];
}
