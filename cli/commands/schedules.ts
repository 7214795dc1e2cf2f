import type { Command } from 'commander';
import { nextFirings, runScheduleOnce, type Schedule, scheduleSteps } from '../../jobs/index.ts';
import {
  createAlerter,
  projectAndWarehouse,
  scheduleActions,
  scheduleExecutor,
} from '../../project/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { formatTable, processOutput } from '../output.ts';
import { currentSession, openCommandWarehouse } from '../session.ts';

interface SchedulesOptions {
  project?: string;
  warehouse?: string;
  json?: boolean;
}

const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** One schedule as `gongshu schedules` lists it. */
function describe(s: Schedule) {
  const next = nextFirings(s, 1)[0] ?? null;
  return {
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    steps: scheduleSteps(s),
    run: s.run,
    overlap: s.overlap,
    next: next?.toISOString() ?? null,
    nextShanghai: next ? `${shanghai.format(next)} +08:00` : null,
  };
}

/**
 * `gongshu schedules [list]`: the project's schedules with their next firing in Asia/Shanghai.
 * `gongshu schedules run NAME`: fires one now (through the node service's queue when it runs; else here, holding
 * the warehouse), recorded as a `schedule` run; exit 1 when a step failed.
 */
export default async function schedules(args: unknown[], command: Command): Promise<number> {
  const [action = 'list', name] = args as [string | undefined, string | undefined];
  const o = command.opts<SchedulesOptions>();
  const out = processOutput();
  const { loaded, warehousePath } = await projectAndWarehouse(o);
  const all = loaded.project.schedules ?? [];
  if (action === 'list') {
    const rows = all.map(describe);
    if (o.json) for (const r of rows) out.json(r);
    else if (!rows.length)
      out.note(`project ${loaded.project.name} has no schedules (defineSchedule in gongshu.config.ts)`);
    else {
      for (const line of formatTable(
        rows.map((r) => ({
          schedule: r.name,
          cron: r.cron,
          timezone: r.timezone,
          steps: r.steps.join(', '),
          next: r.nextShanghai,
          overlap: r.overlap,
        })),
      ))
        out.data(line);
    }
    return EXIT.ok;
  }
  if (action !== 'run')
    throw new CliError(`schedules: expected list or run; got ${action}. Fix: gongshu schedules run NAME`);
  const s = all.find((x) => x.name === name);
  if (!name || !s) {
    throw new CliError(
      `schedules run: ${name ? `no schedule named ${JSON.stringify(name)}` : 'name the schedule'} (known: ${all.map((x) => x.name).join(', ') || 'none'}). Fix: gongshu schedules run ${all[0]?.name ?? 'NAME'}`,
    );
  }
  const session = currentSession();
  const result = session
    ? await session.access.service.fireSchedule(s.name)
    : await (async () => {
        const logger = createLogger(command.parent?.opts().logLevel);
        const wh = await openCommandWarehouse({ path: warehousePath });
        const alerts = createAlerter(
          loaded.project.alerts ?? [],
          {
            project: loaded.project.name,
            node: { id: loaded.project.node.id, name: loaded.project.node.name },
          },
          { logger },
        );
        try {
          // Keys are optional here: a backup kept by the parent needs them, and says so when they are missing.
          const actions = scheduleActions(loaded, warehousePath, { logger });
          return await runScheduleOnce(wh, s, scheduleExecutor(loaded, { logger, alerts, actions }), {
            logger,
          });
        } finally {
          await alerts.flush();
          wh.close();
        }
      })();
  const summary = { schedule: s.name, runId: result.runId, status: result.status, errors: result.errors };
  if (o.json) out.json(summary);
  else {
    out.data(`schedule ${s.name} ${result.status} (run ${result.runId})`);
    for (const e of result.errors) out.note(`  ${e}`);
  }
  return result.status === 'failed' ? EXIT.failures : EXIT.ok;
}
