import { CliError } from '../../errors.ts';
import type { GovernanceOptions } from '../../governance-context.ts';
import type { Output } from '../../output.ts';

/** The options of `gongshu catalog`. */
export interface CatalogOptions extends GovernanceOptions {
  trigger?: string;
  triggerDate?: string;
  reference?: string;
  note?: string;
  reject?: string;
  outcome?: string;
  next?: string;
  format?: string;
  out?: string;
  kind?: string;
  date?: string;
}

/** The `--trigger` kinds of `catalog submit`. */
export const TRIGGERS = ['law', 'duty', 'routine', 'review', 'initial'] as const;
/** The `--outcome`s of `catalog review`. */
export const OUTCOMES = ['keep', 'promote', 'change'] as const;

/** What each `catalog` action gets: its name, the entry named (if any), the command line and the output. */
export interface CatalogAction {
  readonly action: string;
  readonly code: string | undefined;
  readonly o: CatalogOptions;
  readonly out: Output;
}

/** The entry the action names; refuses an action that needs one when none is named. */
export function needCode({ action, code }: CatalogAction): string {
  if (!code)
    throw new CliError(
      `catalog ${action}: name the entry by resource code or dataset, e.g. gongshu catalog ${action} hukou`,
    );
  return code;
}
