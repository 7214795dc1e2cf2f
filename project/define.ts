/**
 * `defineProject`: the registry of a node (Dagster's `Definitions`): its pipelines, foundations, models,
 * schedules, quality rules and platform block, validated once when gongshu.config.ts is imported.
 */
import { z } from 'zod';
import { auditConfigSchema, backupSchema, sharingSchema } from '../governance/index.ts';
import type { Foundation, Model, Schedule } from '../jobs/index.ts';
import type { Pipeline } from '../pipelines/index.ts';
import { platformSchema } from '../platform/index.ts';
import { datasetQualitySchema } from '../quality/index.ts';
import {
  callerFile,
  DefinitionError,
  deepFreeze,
  definitionErrorFromZod,
  NODE_LEVELS,
} from '../schemas/index.ts';
import { alertSchema } from './alerts/define.ts';
import { checkDefinitions } from './check-definitions.ts';

const NAME = /^[a-z][a-z0-9_]*$/;

const pipelineSchema = z.custom<Pipeline>(
  (v) => typeof v === 'object' && v !== null && Object.isFrozen(v) && 'dataset' in v,
  { message: 'a pipeline made by definePipeline({...})' },
);

/** A project: the node it runs on and its pipelines. */
export const projectSpecSchema = z
  .object({
    name: z.string().regex(NAME),
    title: z.string().optional(),
    node: z
      .object({
        id: z
          .string()
          .regex(/^\d{6}$/)
          .meta({ description: 'the GB/T 2260 code of the node, e.g. 650000' }),
        level: z.enum(NODE_LEVELS),
        name: z.string().min(1),
      })
      .strict(),
    warehouse: z
      .string()
      .optional()
      .meta({ description: 'defaults to .gongshu/warehouse.duckdb in the project' }),
    memoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i)
      .optional()
      .meta({
        description: "DuckDB memory limit for this project's warehouse (e.g. '2GB'); DuckDB spills above it",
      }),
    divisionTable: z.string().optional().meta({
      description:
        'an official GB/T 2260 table (CSV code,name[,start,end], yescallop/areacodes result.csv, or "code name" lines) merged into the built-in one; relative to the project',
    }),
    pipelines: z.array(pipelineSchema).default([]),
    foundations: z
      .array(
        z.custom<Foundation>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            (v as Foundation).kind === 'foundation' &&
            Object.isFrozen(v),
          { message: 'a foundation made by defineFoundation({...})' },
        ),
      )
      .default([])
      .meta({ description: 'foundation databases (基础库): defineFoundation({ name, key, fields })' }),
    models: z
      .array(
        z.custom<Model>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            (v as Model).kind === 'model' &&
            Array.isArray((v as Model).refs),
          { message: 'a model made by defineModel / theme / topic' },
        ),
      )
      .default([])
      .meta({ description: 'theme (主题库) and topic (专题库) SQL models with ref()' }),
    schedules: z
      .array(
        z.custom<Schedule>(
          (v) => typeof v === 'object' && v !== null && Object.isFrozen(v) && 'cron' in v && 'run' in v,
          { message: 'a schedule made by defineSchedule({...})' },
        ),
      )
      .default([])
      .meta({ description: 'cron schedules of pipelines and builds (gongshu serve)' }),
    platform: z.unknown().optional().meta({
      description:
        'platform hierarchy: keys, parent, children, entitlements; checked by platformSchema (platform/config.ts) when the project is defined',
    }),
    sharing: z.unknown().optional().meta({
      description:
        'sharing requests, grants and outputs: deadlines, emergency kinds, grant validity, backflow mode, pseudonymisation keys; checked by sharingSchema (governance/config.ts)',
    }),
    audit: z.unknown().optional().meta({
      description:
        'retention of the audit chain and usage log: { retentionYears (≥ 3), archiveDir }; checked by auditConfigSchema (governance/config.ts)',
    }),
    backup: backupSchema.optional().meta({
      description:
        'encrypted backups: master key, cipher, destinations, retention (backupSchema, governance/backups/config.ts)',
    }),
    quality: z
      .array(datasetQualitySchema)
      .default([])
      .meta({ description: 'declared quality rules per dataset: defineQuality(dataset, { rules, … })' }),
    calendar: z.array(z.string().min(1)).default([]).meta({
      description:
        "official working-day calendar files (JSON: year, source, holidays, workdays), merged over the package's; relative to the project",
    }),
    alerts: z
      .array(alertSchema)
      .default([])
      .meta({ description: 'webhooks (json, dingtalk, wecom, feishu) and the events they are posted' }),
    service: z
      .object({
        shutdownSeconds: z.number().positive().default(30).meta({
          description:
            'on SIGTERM, how long gongshu serve lets the running job finish before rolling it back; defaults to 30',
        }),
      })
      .strict()
      .default({ shutdownSeconds: 30 })
      .meta({ description: 'the node service (gongshu serve)' }),
  })
  .strict();

/** A project as written by the user. */
export type ProjectSpec = z.input<typeof projectSpecSchema>;
/** A validated, frozen project. */
export type Project = Readonly<z.output<typeof projectSpecSchema>> & { readonly file?: string };

/**
 * Defines a project (the registry of a node's pipelines): validates once, checks names are unique,
 * returns a frozen project.
 */
export function defineProject(spec: ProjectSpec): Project {
  const file = callerFile();
  const parsed = projectSpecSchema.safeParse(spec, { reportInput: true });
  if (!parsed.success) {
    const name = typeof spec?.name === 'string' ? spec.name : '(unnamed)';
    throw definitionErrorFromZod(
      parsed.error,
      { file, object: `project ${name}` },
      {
        'node.id': 'node: { id: "650000" } (the six-digit division code of this node)',
        'backup.masterKey':
          "backup: { masterKey: { id: 'k2026', file: '/etc/gongshu/backup-k2026.key' } } or { id, env: 'GONGSHU_BACKUP_KEY' }",
        'backup.destinations.*':
          "backup: { destinations: { local: { path: '.gongshu/backups' }, offsite: { parent: true } } }",
        'pipelines.*': 'pipelines: [definePipeline({...}), ...]',
        'alerts.*.webhook.format': "format: 'json', 'dingtalk', 'wecom' or 'feishu'",
        'alerts.*.on.*':
          "on: ['run-failed', 'gate-blocked', 'error-rule-failed', 'freshness-overdue', 'anomaly']",
      },
    );
  }
  for (const [what, pick] of [
    ['pipeline', (p: Pipeline) => p.name],
    ['dataset', (p: Pipeline) => p.dataset.name],
  ] as const) {
    const seen = new Map<string, Pipeline>();
    for (const p of parsed.data.pipelines) {
      const other = seen.get(pick(p));
      if (other) {
        throw new DefinitionError(
          `${file ?? 'project'}: project ${parsed.data.name}: pipelines: ${what} name "${pick(p)}" is used twice ` +
            `(pipelines ${other.name} and ${p.name}${other.file && other.file !== file ? `, defined in ${other.file}` : ''}). ` +
            `Fix: give each ${what} its own name`,
          { file, field: 'pipelines', allowed: `unique ${what} names`, fix: `rename one ${what}` },
        );
      }
      seen.set(pick(p), p);
    }
  }
  checkDefinitions({ ...parsed.data, file });
  const platform = platformSchema.safeParse(parsed.data.platform ?? {});
  if (!platform.success) {
    throw definitionErrorFromZod(
      platform.error,
      { file, object: `project ${parsed.data.name}: platform` },
      {},
    );
  }
  for (const [block, schema] of [
    ['sharing', sharingSchema],
    ['audit', auditConfigSchema],
  ] as const) {
    const checked = schema.safeParse(parsed.data[block] ?? {});
    if (!checked.success) {
      throw definitionErrorFromZod(
        checked.error,
        { file, object: `project ${parsed.data.name}: ${block}` },
        {
          retentionYears:
            'retentionYears: 3 or more — the measures keep logs of data provided and obtained at least three years (第十五条)',
          'emergency.kinds':
            "emergency: { kinds: ['earthquake', 'public-health'] } (lower-case words joined by -)",
        },
      );
    }
  }
  return deepFreeze({ ...parsed.data, ...(file ? { file } : {}) }, (v) => 'extract' in v);
}
