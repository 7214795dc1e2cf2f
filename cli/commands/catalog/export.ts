import { writeFileSync } from 'node:fs';
import {
  CATALOG_EXPORT_FORMATS,
  type CatalogExportFormat,
  listCatalogVersions,
  renderCatalogExport,
} from '../../../governance/index.ts';
import { CliError, EXIT } from '../../errors.ts';
import { withGovernance } from '../../governance-context.ts';
import type { CatalogAction } from './shared.ts';

/** `gongshu catalog export [--format xlsx|…] [--out FILE]`: the published entries, as a file or to stdout. */
export function exportCatalog({ o, out }: CatalogAction): Promise<number> {
  const format = (o.format ?? 'xlsx') as CatalogExportFormat;
  if (!(CATALOG_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new CliError(
      `catalog export: --format must be one of ${CATALOG_EXPORT_FORMATS.join(', ')}; got ${o.format}`,
    );
  }
  if (format === 'xlsx' && !o.out)
    throw new CliError('catalog export --format xlsx: name the file with --out FILE.xlsx');
  return withGovernance(
    o,
    async (ctx) => {
      const published = (await listCatalogVersions(ctx.wh)).filter((v) => v.status === 'published');
      if (published.length === 0)
        out.note('catalog export: no published entries yet (gongshu catalog submit|approve|publish)');
      const bytes = await renderCatalogExport(published, format);
      if (o.out) {
        writeFileSync(o.out, bytes);
        if (o.json) out.json({ file: o.out, format, entries: published.length });
        else out.note(`catalog export: ${published.length} published entries → ${o.out}`);
      } else process.stdout.write(bytes);
      return EXIT.ok;
    },
    { readOnly: true },
  );
}
