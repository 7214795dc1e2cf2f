/**
 * Cross-checks a project when it is defined, so a user's mistake is a definition error (exit 2) naming the
 * file and the object, not a failure at 2 a.m.: the build DAG (unknown refs, foundation sources), each
 * `defineQuality` names a dataset of the project or a table it builds (`foundation.x`, `theme.x`, `topic.x`), and
 * each schedule's targets exist.
 */
import { type JobGraph, projectJobs, type Schedule, selectNodes } from '../jobs/index.ts';
import type { Pipeline } from '../pipelines/index.ts';
import type { DatasetQuality } from '../quality/index.ts';
import { DefinitionError } from '../schemas/index.ts';

interface Checked {
  readonly name: string;
  readonly file?: string | undefined;
  readonly pipelines: readonly Pipeline[];
  readonly quality: readonly DatasetQuality[];
  readonly schedules: readonly Schedule[];
}

const list = (xs: readonly string[]) => xs.join(', ') || 'none';

/** A definition error about one schedule field. */
function scheduleError(
  p: Checked,
  s: Schedule,
  field: string,
  problem: string,
  allowed: string,
  fix: string,
) {
  const file = s.file ?? p.file;
  return new DefinitionError(
    `${file ?? 'project'}: schedule ${s.name}: ${field}: ${problem} (known: ${allowed}). Fix: ${fix}`,
    { file, field, allowed, fix, schedule: s.name },
  );
}

/** Checks the targets of each schedule against the project. */
function checkSchedules(p: Checked, graph: JobGraph): void {
  const pipelines = new Map(p.pipelines.map((x) => [x.name, x]));
  const datasets = p.pipelines.map((x) => x.dataset.name);
  const seen = new Set<string>();
  for (const s of p.schedules) {
    if (seen.has(s.name)) {
      throw new DefinitionError(
        `${s.file ?? p.file ?? 'project'}: schedules: the name "${s.name}" is used twice. Fix: give each schedule its own name`,
        { file: s.file ?? p.file, field: 'schedules', fix: 'rename one schedule' },
      );
    }
    seen.add(s.name);
    for (const name of s.run.pipelines ?? []) {
      if (!pipelines.has(name)) {
        throw scheduleError(
          p,
          s,
          'run.pipelines',
          `no pipeline named "${name}"`,
          list([...pipelines.keys()]),
          'name a pipeline of the project (definePipeline({ name }))',
        );
      }
    }
    for (const b of s.run.backfill ?? []) {
      const pipeline = pipelines.get(b.pipeline);
      if (!pipeline) {
        throw scheduleError(
          p,
          s,
          'run.backfill',
          `no pipeline named "${b.pipeline}"`,
          list([...pipelines.keys()]),
          'name an incremental pipeline of the project',
        );
      }
      if (!pipeline.dataset.incremental || pipeline.dataset.writeMode === 'replace') {
        throw scheduleError(
          p,
          s,
          'run.backfill',
          `pipeline "${b.pipeline}" cannot be backfilled: it needs dataset.incremental and writeMode "merge" or "append"`,
          list(
            p.pipelines
              .filter((x) => x.dataset.incremental && x.dataset.writeMode !== 'replace')
              .map((x) => x.name),
          ),
          'backfill an incremental merge/append pipeline, or give this one dataset.incremental: { column }',
        );
      }
    }
    if (s.run.build?.length && !s.run.build.includes('*')) {
      try {
        selectNodes(graph, s.run.build);
      } catch (error) {
        const known = [...graph.nodes.keys()];
        throw scheduleError(
          p,
          s,
          'run.build',
          (error as Error).message.replace(/^build: /, '').replace(/ \(known: .*$/s, ''),
          list(known),
          'use a foundation or model name with +/- selectors, e.g. build: ["+topic.x"], or ["*"] for everything',
        );
      }
    }
    for (const step of ['quality', 'push'] as const) {
      const names = s.run[step];
      if (!Array.isArray(names)) continue;
      // quality may also name a built table (foundation.x, theme.x, topic.x).
      const known = step === 'quality' ? [...datasets, ...graph.nodes.keys()] : datasets;
      for (const d of names) {
        if (!known.includes(d)) {
          throw scheduleError(
            p,
            s,
            `run.${step}`,
            `no dataset named "${d}"`,
            list(known),
            `${step}: true (every dataset), or name datasets the pipelines load`,
          );
        }
      }
    }
  }
}

/** Checks that every defineQuality names a dataset a pipeline of the project loads, or a table the project builds. */
function checkQuality(p: Checked, graph: JobGraph): void {
  const loaded = p.pipelines.map((x) => x.dataset.name);
  const built = [...graph.nodes.keys()].sort();
  const datasets = [...loaded, ...built];
  const known = `datasets: ${list(loaded)}${built.length ? `; built tables: ${list(built)}` : ''}`;
  const fix = built.length
    ? 'name a dataset a pipeline loads (its dataset.name) or a built table (foundation.x, theme.x, topic.x)'
    : 'name a dataset a pipeline loads (its dataset.name)';
  const seen = new Set<string>();
  for (const q of p.quality) {
    const file = q.file ?? p.file;
    if (!datasets.includes(q.dataset)) {
      throw new DefinitionError(
        `${file ?? 'project'}: defineQuality("${q.dataset}"): dataset "${q.dataset}" is not a dataset of project ${p.name} ` +
          `(${known}). Fix: ${fix}, or remove this defineQuality`,
        {
          file,
          field: 'quality',
          allowed: list(datasets),
          fix: 'defineQuality("<dataset name>", …)',
          dataset: q.dataset,
        },
      );
    }
    if (seen.has(q.dataset)) {
      throw new DefinitionError(
        `${file ?? 'project'}: quality: defineQuality("${q.dataset}") appears twice. Fix: put all of the dataset's rules in one defineQuality`,
        { file, field: 'quality', fix: 'one defineQuality per dataset', dataset: q.dataset },
      );
    }
    seen.add(q.dataset);
  }
}

/** Runs every cross-check of a defined project; see the module comment. */
export function checkDefinitions(p: Checked & Parameters<typeof projectJobs>[0]): void {
  const { graph } = projectJobs(p);
  checkQuality(p, graph);
  checkSchedules(p, graph);
}
