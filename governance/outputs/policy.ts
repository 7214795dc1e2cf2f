/**
 * The output policy of a catalog entry for one audience (第二十条、第二十六条, GOVERNANCE D): what each column
 * becomes when data leaves the node — clear, dropped, masked, pseudonymised or generalised. Defaults: a
 * sensitive item is masked for `open` and clear for `share` and `backflow`; other items are clear. The policy
 * hash (SM3 of its canonical JSON) is recorded in the audit with the pseudonymisation key id.
 */
import { canonicalJson, sm3 } from '../../platform/index.ts';
import {
  type CatalogEntry,
  type CatalogFieldOutput,
  type Generalization,
  generalizationOf,
  type MaskKind,
  type OutputAction,
  type OutputAudience,
} from '../../schemas/index.ts';
import { GovernanceError } from '../errors.ts';

/** What one column becomes. */
export interface ColumnPolicy {
  readonly column: string;
  readonly action: OutputAction;
  /** For `mask`: the masking rule. */
  readonly mask?: MaskKind;
  /** For `generalize`: how. */
  readonly generalize?: Generalization;
}

/** The policy applied to one output. */
export interface OutputPolicy {
  readonly dataset: string;
  readonly code: string;
  readonly audience: OutputAudience;
  /** Every requested column, in order, with its action (dropped ones included). */
  readonly columns: readonly ColumnPolicy[];
  /** SM3 of the canonical JSON of `{ dataset, code, audience, columns }`. */
  readonly hash: string;
}

/** The action for a field and audience: declared in `outputs`, else the default. */
export function fieldAction(field: CatalogFieldOutput, audience: OutputAudience): OutputAction {
  const declared = field.outputs?.[audience];
  if (declared) return declared;
  return field.sensitive && audience === 'open' ? 'mask' : 'clear';
}

/** The policy of `columns` of an entry for an audience; refuses a sensitive column in clear for `open`. */
export function outputPolicy(
  entry: CatalogEntry,
  columns: readonly string[],
  audience: OutputAudience,
): OutputPolicy {
  const fields = new Map(entry.fields.map((f) => [f.name, f]));
  const out: ColumnPolicy[] = columns.map((column) => {
    const f = fields.get(column);
    if (!f) {
      throw new GovernanceError(
        'invalid',
        'unknown-columns',
        `output ${entry.dataset ?? entry.code}: column ${column} is not in catalog entry ${entry.code}`,
      );
    }
    const action = fieldAction(f, audience);
    if (audience === 'open' && f.sensitive && action === 'clear') {
      throw new GovernanceError(
        'forbidden',
        'clear-identifier',
        `output ${entry.code}: sensitive column ${column} would leave in clear for the public (第二十六条). Fix: set outputs.open on the catalog item to mask, pseudonymize, generalize or drop`,
      );
    }
    if (action === 'mask') return { column, action, mask: f.masking === 'none' ? 'full' : f.masking };
    if (action === 'generalize') return { column, action, generalize: generalizationOf(f)! };
    return { column, action };
  });
  const body = { dataset: entry.dataset ?? null, code: entry.code, audience, columns: out };
  return {
    dataset: entry.dataset ?? entry.code,
    code: entry.code,
    audience,
    columns: out,
    hash: sm3(canonicalJson(body)),
  };
}

/** The policy audience of a grant's audience: a request whose data goes to the public gets the open policy. */
export function audienceOfGrant(grantAudience: 'department' | 'authorised' | 'public'): OutputAudience {
  return grantAudience === 'public' ? 'open' : 'share';
}
