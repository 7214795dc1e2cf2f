import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { memory } from '../../connectors/index.ts';
import { hukouCatalog } from '../../examples/xinjiang/catalog/population.ts';
import { defineFoundation, type Foundation } from '../../jobs/index.ts';
import { citizenId, definePipeline, runPipelines } from '../../pipelines/index.ts';
import {
  createNodeServer,
  createSerial,
  initKeys,
  listen,
  type NodeContext,
  type NodeKeys,
  nodeContext,
  type PlatformSpec,
  type PushSummary,
  pushUpward,
  type Serial,
} from '../../platform/index.ts';
import { defineProject } from '../../project/index.ts';
import { type CatalogEntry, defineCatalogEntry } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { HUKOU_HEADER, hukouTestCatalog } from './fixture.ts';

export const logger = pino({ level: 'silent' });

/** The hukou catalog entry under another dataset name (a second dataset of the same shape). */
export function catalogAs(dataset: string, changes: Record<string, unknown> = {}): CatalogEntry {
  return defineCatalogEntry({
    ...(hukouTestCatalog as unknown as Parameters<typeof defineCatalogEntry>[0]),
    dataset,
    ...changes,
  } as Parameters<typeof defineCatalogEntry>[0]);
}

/** The catalog entry of the population foundation (id_number, name, division; jurisdiction by division). */
export const populationCatalog = defineCatalogEntry({
  ...(hukouCatalog as unknown as Parameters<typeof defineCatalogEntry>[0]),
  dataset: undefined,
  code: '1/01/000/0001',
  name: '人口基础库',
  fields: [
    { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
    { name: 'name', title: '姓名', type: 'string', sensitive: true },
    { name: 'division', title: '行政区划代码', type: 'string' },
  ],
} as unknown as Parameters<typeof defineCatalogEntry>[0]);

/** The population foundation (built from hukou), with its catalog entry: it is reported upward. */
export const population: Foundation = defineFoundation({
  name: 'population',
  key: 'citizen-id',
  fields: { name: { source: 'hukou', column: 'name' }, division: { source: 'hukou', column: 'division' } },
  catalog: populationCatalog,
});

/** A node of a test hierarchy: its project, warehouse, keys and (when it serves) its server. */
export interface TestNode {
  readonly id: string;
  readonly dir: string;
  readonly keys: NodeKeys;
  readonly wh: Warehouse;
  readonly serial: Serial;
  project: ReturnType<typeof defineProject>;
  ctx: NodeContext;
  app?: FastifyInstance;
  url?: string;
  /** Pushes to the parent (through the node's serial, as `gongshu serve` does). */
  push(): Promise<PushSummary>;
  /** (Re)starts the node's server with its current project. */
  serve(): Promise<string>;
  /** Replaces the platform section (e.g. after a parent's URL is known), keeping the rest. */
  configure(platform: PlatformSpec): void;
  close(): Promise<void>;
}

/** Datasets of a test node: name → rows (hukou-shaped) and optional catalog. */
export type Datasets = Record<string, { rows: string[][]; catalog?: CatalogEntry }>;

/** Creates a node with hukou-shaped datasets loaded (and optionally foundations), not yet serving. */
export async function makeNode(
  root: string,
  id: string,
  level: 'county' | 'prefecture' | 'region',
  datasets: Datasets,
  options: { foundations?: Foundation[] } = {},
): Promise<TestNode> {
  const dir = join(root, id);
  const keys = initKeys(join(dir, '.gongshu/keys'));
  const pipelines = Object.entries(datasets).map(([name, d]) =>
    definePipeline({
      name,
      source: memory({ name: `${name}@${id}`, columns: HUKOU_HEADER, rows: d.rows }),
      dataset: {
        name,
        key: citizenId('公民身份号码'),
        catalog: d.catalog ?? (name === 'hukou' ? hukouTestCatalog : catalogAs(name)),
      },
    }),
  );
  const base = defineProject({
    name: `node_${id}`,
    node: { id, level, name: `node ${id}` },
    pipelines,
    foundations: options.foundations ?? [],
  });
  const wh = await openWarehouse({ path: join(root, `${id}.duckdb`) });
  await runPipelines(wh, base);
  const serial = createSerial();
  const node: TestNode = {
    id,
    dir,
    keys,
    wh,
    serial,
    project: base,
    ctx: nodeContext(base, dir),
    configure(platform) {
      node.project = Object.freeze({ ...base, platform });
      node.ctx = nodeContext(node.project, dir);
    },
    push: () => pushUpward({ wh, node: node.ctx, project: node.project, keys, logger, serial }),
    async serve() {
      await node.app?.close();
      node.app = createNodeServer({ node: node.ctx, project: node.project, wh, logger, keys, serial });
      // A restarted node listens on the port it had, so its children's configured URL stays right.
      node.url = await listen(node.app, node.ctx, node.url ? Number(new URL(node.url).port) : 0);
      return node.url;
    },
    async close() {
      await node.app?.close();
      await serial(async () => wh.close());
    },
  };
  return node;
}
