import { z } from 'zod';
import { parseConnectorOptions } from '../file-source.ts';

/** File kinds a folder drop can hold. */
export const FOLDER_KINDS = ['csv', 'excel', 'json', 'arrow'] as const;

/** A file kind of a folder drop. */
export type FolderKind = (typeof FOLDER_KINDS)[number];

const kindOptions = z
  .record(z.string(), z.unknown())
  .refine((o) => !('path' in o), 'no path: each matched file is the path')
  .optional();

/** The options of `folder({ … })`, validated once when the connector is created. */
export const folderOptionsSchema = z.strictObject({
  glob: z.string().min(1).meta({
    description:
      'Files to load, e.g. "drop/hukou-*.csv" or "drop/**/*.xlsx": * and ? match within a name, ** any depth; relative to the cwd.',
  }),
  kind: z.enum(FOLDER_KINDS).optional().meta({
    description:
      'defaults to by extension: .csv/.tsv/.txt csv, .xlsx excel, .json/.ndjson/.jsonl json, .arrow/.arrows/.feather/.ipc arrow.',
  }),
  options: z
    .strictObject({ csv: kindOptions, excel: kindOptions, json: kindOptions, arrow: kindOptions })
    .default({})
    .meta({
      description:
        'defaults to {}: options per file kind (without path), e.g. { csv: { encoding: "gb18030" } }.',
    }),
});

/** What `folder()` accepts. */
export type FolderOptionsInput = z.input<typeof folderOptionsSchema>;

/** Parsed, defaulted, frozen folder options. */
export type FolderOptions = Readonly<z.output<typeof folderOptionsSchema>>;

/** A file a folder extraction has finished reading: the loader records its hash with the rows. */
export interface LoadedFile {
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

/** Validates `folder()` options once, fills defaults and freezes them; throws a DefinitionError naming the field. */
export function parseFolderOptions(input: unknown): FolderOptions {
  const options = parseConnectorOptions(
    folderOptionsSchema,
    input,
    'folder()',
    `folder({ glob: 'drop/hukou-*.csv', options: { csv: { encoding: 'auto' } } })`,
  );
  Object.freeze(options.options);
  return options;
}
