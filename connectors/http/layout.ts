import type { ExtractedBatch } from '../types.ts';
import type { HttpOptions } from './options.ts';
import { recordEntries, textOf, toJsonText } from './records.ts';

/** The fixed columns of one extraction and how records map onto them. */
export interface Layout {
  batch(
    records: readonly unknown[],
    pageNo: number,
    where: string,
    note: ((message: string) => void) | undefined,
  ): ExtractedBatch;
}

/** The layout fixed by the first page's records. */
export function createLayout(
  first: readonly unknown[],
  options: HttpOptions,
  note: ((message: string) => void) | undefined,
): Layout {
  const index = new Map<string, number>();
  for (const record of first) {
    for (const [name] of recordEntries(record, options.flatten))
      if (!index.has(name)) index.set(name, index.size);
  }
  let extraName = options.extraColumn;
  for (let n = 2; index.has(extraName); n++) extraName = `${options.extraColumn}_${n}`;
  if (extraName !== options.extraColumn)
    note?.(`the records have a key ${JSON.stringify(options.extraColumn)}; extra keys go to ${extraName}`);
  const columns = Object.freeze([...index.keys(), extraName]);
  const width = index.size;
  const noted = new Set<string>();
  return {
    batch(records, pageNo, where, onNote) {
      const rows: (string | null)[][] = [];
      const locations: string[] = [];
      records.forEach((record, i) => {
        const row = new Array<string | null>(width + 1).fill(null);
        const filled = new Array<boolean>(width).fill(false);
        let extras: Record<string, unknown> | undefined;
        for (const [name, value] of recordEntries(record, options.flatten)) {
          const at = index.get(name);
          if (at !== undefined && !filled[at]) {
            row[at] = textOf(value);
            filled[at] = true;
            continue;
          }
          extras ??= {};
          extras[name] = value;
          if (at === undefined && !noted.has(name)) {
            noted.add(name);
            onNote?.(
              `page ${pageNo}: key ${JSON.stringify(name)} is not among the first page's columns; kept in ${extraName}`,
            );
          }
        }
        if (extras !== undefined) row[width] = toJsonText(extras);
        rows.push(row);
        locations.push(`${where} #${i + 1}`);
      });
      return { columns, rows, locations };
    },
  };
}
