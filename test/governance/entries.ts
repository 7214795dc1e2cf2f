/** Catalog entries of the governance tests (no test-runner imports: gongshu.config.ts files import this). */
import { hukouCatalog } from '../../examples/xinjiang/catalog/population.ts';
import { type CatalogEntryInput, defineCatalogEntry } from '../../schemas/index.ts';
import { HUKOU_HEADER } from '../platform/fixture.ts';

/**
 * The example hukou entry, limited to the fields of HUKOU_HEADER (a catalog field matching no source column is a
 * definition error), with per-audience outputs: the ID pseudonymised for backflow, the phone dropped.
 */
export function hukouEntry(overrides: Partial<CatalogEntryInput> = {}) {
  const base = hukouCatalog as unknown as CatalogEntryInput;
  return defineCatalogEntry({
    ...base,
    fields: hukouCatalog.fields
      .filter((f) => HUKOU_HEADER.includes(f.title))
      .map((f) => {
        const field = { ...f } as Record<string, unknown>;
        if (f.name === 'id_number') field.outputs = { backflow: 'pseudonymize' };
        if (f.name === 'mobile') field.outputs = { backflow: 'drop', open: 'drop' };
        if (f.name === 'birth_date') field.outputs = { open: 'generalize' };
        return field;
      }) as CatalogEntryInput['fields'],
    ...overrides,
  });
}
