/** Shared fixtures of the jobs tests: valid citizen IDs, in-memory pipelines, projects with jobs. */
import type { Connector } from '../../connectors/index.ts';
import { memory } from '../../connectors/index.ts';
import { citizenId } from '../../examples/xinjiang/generate/identifiers.ts';
import type { Foundation, Model, ProjectWithJobs, Schedule } from '../../jobs/index.ts';
import { definePipeline, citizenId as keyOf, type Pipeline } from '../../pipelines/index.ts';
import { defineProject } from '../../project/index.ts';
import type { DatasetQuality } from '../../quality/index.ts';

/** `n` distinct valid citizen IDs (乌鲁木齐天山区, born 1940–1999). */
export function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    citizenId('650102', `19${String(40 + (i % 60)).padStart(2, '0')}0${1 + (i % 9)}1${i % 10}`, 100 + i),
  );
}

/** A pipeline loading rows held in memory into a citizen-ID keyed dataset. */
export function memPipeline(
  dataset: string,
  columns: string[],
  rows: (string | null)[][],
  opts: {
    writeMode?: 'replace' | 'append' | 'merge';
    incremental?: { column: string; initial?: string };
    source?: Connector;
  } = {},
): Pipeline {
  return definePipeline({
    name: dataset,
    source: opts.source ?? memory({ name: `${dataset}-fixture`, columns, rows }),
    dataset: {
      name: dataset,
      key: keyOf(columns[0]!),
      writeMode: opts.writeMode ?? 'merge',
      ...(opts.incremental ? { incremental: opts.incremental } : {}),
    },
  });
}

/** A project with jobs, the way `defineProject` will hold them once it accepts the fields. */
export function projectWith(
  pipelines: Pipeline[],
  jobs: {
    foundations?: Foundation[];
    models?: Model[];
    schedules?: Schedule[];
    quality?: DatasetQuality[];
  } = {},
): ProjectWithJobs {
  const base = defineProject({
    name: 'test',
    node: { id: '650000', level: 'region', name: '新疆维吾尔自治区' },
    pipelines,
    foundations: jobs.foundations ?? [],
    models: jobs.models ?? [],
    quality: jobs.quality ?? [],
  });
  return Object.freeze({
    ...base,
    foundations: jobs.foundations ?? [],
    models: jobs.models ?? [],
    schedules: jobs.schedules ?? [],
  });
}
