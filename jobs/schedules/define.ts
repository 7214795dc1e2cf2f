import cron from 'node-cron';
import { z } from 'zod';
import { callerFile, deepFreeze, parseDefinition } from '../../schemas/index.ts';
import { DefinitionError } from '../errors.ts';

/** What a schedule does when it fires while its previous run is still going. */
export const OVERLAP_POLICIES = ['skip', 'queue'] as const;

/**
 * The steps a schedule can run, in the order they run. Adding a step: add it here and to `scheduleRunSchema`;
 * the node service then requires a handler for it (project/service/schedule-steps.ts).
 */
export const SCHEDULE_STEPS = [
  'pipelines',
  'backfill',
  'quality',
  'build',
  'report',
  'push',
  'backup',
] as const;
/** A step of a schedule. */
export type ScheduleStep = (typeof SCHEDULE_STEPS)[number];

const datasetsOrAll = z.union([z.literal(true), z.array(z.string().min(1)).min(1)]);

/** A backfill step: the rows of an incremental pipeline whose cursor lies in a range. */
export const scheduledBackfillSchema = z.union([
  z
    .object({
      pipeline: z.string().min(1),
      days: z.number().int().positive().meta({
        description: 'the range is the last `days` days up to the firing date (Asia/Shanghai), inclusive',
      }),
    })
    .strict(),
  z
    .object({
      pipeline: z.string().min(1),
      from: z.string().min(1).meta({ description: 'first cursor value, e.g. 2026-01-01' }),
      to: z.string().min(1).meta({ description: 'last cursor value, e.g. 2026-01-31' }),
    })
    .strict(),
]);

/** What a schedule runs (each step optional; at least one). */
export const scheduleRunSchema = z
  .object({
    pipelines: z.array(z.string().min(1)).optional().meta({ description: 'pipelines to load, in order' }),
    backfill: z.array(scheduledBackfillSchema).optional().meta({
      description: 'backfills of incremental pipelines: { pipeline, days } or { pipeline, from, to }',
    }),
    quality: datasetsOrAll.optional().meta({
      description: 'score quality and write the report: true (every dataset) or the datasets to assess',
    }),
    build: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'build selectors (x, +x, x+); [] or absent = no build; ["*"] = everything' }),
    report: z
      .boolean()
      .optional()
      .meta({ description: 'render the quality dashboard from the newest report' }),
    push: datasetsOrAll
      .optional()
      .meta({ description: 'push to the parent node: true (every reportable dataset) or the datasets' }),
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
        description: 'an encrypted backup (gongshu backup create) after the other steps, pruned by retention',
      }),
  })
  .strict()
  .refine(
    (r) =>
      (r.pipelines?.length ?? 0) + (r.backfill?.length ?? 0) + (r.build?.length ?? 0) > 0 ||
      Boolean(r.quality || r.report || r.push || r.backup),
    'at least one step: pipelines, backfill, quality, build, report, push or backup',
  );

/** A schedule: a cron expression in a time zone, and the steps it runs. */
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
    run: scheduleRunSchema,
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
/** A validated backfill step. */
export type ScheduledBackfill = z.output<typeof scheduledBackfillSchema>;

/** The steps a schedule runs, in order. */
export function scheduleSteps(s: Pick<Schedule, 'run'>): ScheduleStep[] {
  const r = s.run;
  const present: Record<ScheduleStep, boolean> = {
    pipelines: (r.pipelines?.length ?? 0) > 0,
    backfill: (r.backfill?.length ?? 0) > 0,
    quality: Boolean(r.quality),
    build: (r.build?.length ?? 0) > 0,
    report: Boolean(r.report),
    push: Boolean(r.push),
    backup: Boolean(r.backup),
  };
  return SCHEDULE_STEPS.filter((step) => present[step]);
}

/** The next `count` firings of a schedule after `from` (in its time zone). */
export function nextFirings(s: Pick<Schedule, 'cron' | 'timezone' | 'name'>, count = 1): Date[] {
  const task = cron.createTask(s.cron, () => undefined, { timezone: s.timezone, name: `next:${s.name}` });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

/**
 * Defines a schedule; the cron expression and time zone are checked now, its targets (pipelines, models,
 * datasets) when the project is defined.
 * @example defineSchedule({ name: 'nightly', cron: '0 2 * * *', run: { pipelines: ['hukou'], quality: true, build: ['+topic.elderly_subsidy_2026'], report: true } })
 */
export function defineSchedule(spec: ScheduleSpec): Schedule {
  const file = callerFile();
  const d = parseDefinition(
    scheduleSchema,
    spec,
    { file, kind: 'schedule' },
    {
      run: "run: { pipelines: ['hukou'], quality: true, build: ['+foundation.population'], report: true } or run: { backup: { to: ['local'] } }",
      overlap: 'overlap: "skip" or "queue"',
    },
  );
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
