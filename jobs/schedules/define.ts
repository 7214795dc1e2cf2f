import cron from 'node-cron';
import { z } from 'zod';
import { callerFile, deepFreeze, definitionErrorFromZod } from '../../schemas/index.ts';
import { DefinitionError } from '../errors.ts';

/** What a schedule does when it fires while its previous run is still going. */
export const OVERLAP_POLICIES = ['skip', 'queue'] as const;

/** A schedule: a cron expression in a time zone, and the pipelines, builds and backup it runs. */
export const scheduleSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    cron: z.string().min(1).meta({
      description:
        'cron expression, 5 fields (minute first) or 6 (second first), e.g. "0 2 * * *" = 02:00 daily',
    }),
    timezone: z
      .string()
      .default('Asia/Shanghai')
      .meta({ description: 'IANA zone; defaults to Asia/Shanghai' }),
    run: z
      .object({
        pipelines: z.array(z.string().min(1)).optional().meta({ description: 'pipelines to load, in order' }),
        build: z
          .array(z.string().min(1))
          .optional()
          .meta({ description: 'build selectors (x, +x, x+); [] or absent = no build; ["*"] = everything' }),
        backup: z
          .object({
            to: z
              .array(z.string().min(1))
              .optional()
              .meta({ description: 'backup destinations; defaults to every configured one' }),
            verify: z
              .boolean()
              .default(true)
              .meta({ description: 'verify the new backup by restoring it; defaults to true' }),
          })
          .strict()
          .optional()
          .meta({
            description:
              'an encrypted backup (gongshu backup create) after the pipelines and builds, pruned by retention',
          }),
      })
      .strict()
      .refine(
        (r) => (r.pipelines?.length ?? 0) + (r.build?.length ?? 0) + (r.backup ? 1 : 0) > 0,
        'at least one pipeline, build or backup',
      ),
    overlap: z.enum(OVERLAP_POLICIES).default('skip').meta({
      description:
        'skip: a firing while the previous run is going is recorded as skipped; queue: it runs after. Defaults to skip',
    }),
  })
  .strict();

/** A schedule as written. */
export type ScheduleSpec = z.input<typeof scheduleSchema>;
/** A validated, frozen schedule. */
export type Schedule = Readonly<z.output<typeof scheduleSchema>> & { readonly file?: string };

/**
 * Defines a schedule; the cron expression and time zone are checked now.
 * @example defineSchedule({ name: 'nightly', cron: '0 2 * * *', run: { pipelines: ['hukou'], build: ['+topic.elderly_subsidy_2026'] } })
 */
export function defineSchedule(spec: ScheduleSpec): Schedule {
  const file = callerFile();
  const parsed = scheduleSchema.safeParse(spec, { reportInput: true });
  const label = typeof spec?.name === 'string' ? spec.name : '(unnamed)';
  if (!parsed.success) {
    throw definitionErrorFromZod(
      parsed.error,
      { file, object: `schedule ${label}` },
      {
        run: "run: { pipelines: ['hukou'], build: ['+foundation.population'] } or run: { backup: { to: ['local'] } }",
        overlap: 'overlap: "skip" or "queue"',
      },
    );
  }
  const d = parsed.data;
  if (!cron.validate(d.cron)) {
    throw new DefinitionError(
      `${file ?? 'schedule'}: schedule ${d.name}: cron: expected a cron expression (5 or 6 fields); got ${JSON.stringify(d.cron)}. ` +
        'Fix: cron: "0 2 * * *" (02:00 every day)',
      { file, field: 'cron', allowed: 'minute hour day month weekday', fix: 'cron: "0 2 * * *"' },
    );
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: d.timezone });
  } catch {
    throw new DefinitionError(
      `${file ?? 'schedule'}: schedule ${d.name}: timezone: expected an IANA time zone; got ${JSON.stringify(d.timezone)}. ` +
        'Fix: timezone: "Asia/Shanghai"',
      { file, field: 'timezone', fix: 'timezone: "Asia/Shanghai"' },
    );
  }
  return deepFreeze({ ...d, ...(file ? { file } : {}) });
}
