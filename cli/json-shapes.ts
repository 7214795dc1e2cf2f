import { z } from 'zod';

/**
 * What `--json` prints for an error, as one line on stdout, `{ "error": { … } }`; the same message goes to
 * stderr for people. Published as `schemas/cli-error.schema.json`.
 */
export const CliErrorJson = z
  .object({
    error: z.object({
      code: z.string().meta({
        description:
          'a stable kind: usage, definition, warehouse, warehouse-locked, source, contract, transport, internal, …',
      }),
      message: z
        .string()
        .meta({ description: 'what went wrong and where: the text printed on stderr, without "gongshu: "' }),
      fix: z.string().nullable().meta({ description: 'how to fix it; null when the error names no remedy' }),
      exitCode: z
        .number()
        .int()
        .meta({ description: 'the exit code the command returns (2, 3, 4, 1 or 70)' }),
      problems: z.array(z.string()).optional().meta({
        description: 'every problem, one message each, when a definition or command line has several',
      }),
    }),
  })
  .meta({ title: 'gongshu --json error', description: 'the last line on stdout of a command that failed' });

/** The `error` of a `--json` error line. */
export type ErrorReport = z.output<typeof CliErrorJson>['error'];

/** What `gongshu --version --json` prints. Published as `schemas/cli-version.schema.json`. */
export const VersionJson = z
  .object({
    gongshu: z.string().meta({ description: 'the gongshu package version (package.json)' }),
    duckdb: z.string().meta({ description: 'the DuckDB library the warehouse runs on, e.g. v1.5.6' }),
    node: z.string().meta({ description: 'the Node.js runtime, e.g. v20.20.2' }),
  })
  .meta({ title: 'gongshu --version --json' });

/** The versions `gongshu --version` prints. */
export type Versions = z.output<typeof VersionJson>;

/** The published JSON Schemas of the CLI's own shapes, by file name under `schemas/`. */
export function cliJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'cli-error.schema.json': z.toJSONSchema(CliErrorJson, { target: 'draft-2020-12' }) as Record<
      string,
      unknown
    >,
    'cli-version.schema.json': z.toJSONSchema(VersionJson, { target: 'draft-2020-12' }) as Record<
      string,
      unknown
    >,
  };
}
