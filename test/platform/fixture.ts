import { readFileSync } from 'node:fs';
import { memory } from '../../connectors/index.ts';
import { hukouCatalog } from '../../examples/xinjiang/catalog/population.ts';
import { citizenId, definePipeline } from '../../pipelines/index.ts';
import { type NodeContext, nodeContext, type PlatformSpec, writeChunkFile } from '../../platform/index.ts';
import { defineProject } from '../../project/index.ts';
import { citizenIdCheckChar } from '../../schemas/checksums.ts';
import { defineCatalogEntry, quoteIdent, quoteLiteral } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';

/** The example hukou catalog, with 联系电话 (mobile) marked not shared (不予共享) so column refusal can be tested. */
export const hukouTestCatalog = defineCatalogEntry({
  ...(hukouCatalog as unknown as Parameters<typeof defineCatalogEntry>[0]),
  fields: hukouCatalog.fields.map((f) =>
    f.name === 'mobile' ? { ...f, shareType: 'none' as const } : f,
  ) as unknown as Parameters<typeof defineCatalogEntry>[0]['fields'],
});

/** A valid citizen ID in a division (born 1980-01-01 + n days), sequence n. */
export function citizenIdIn(division: string, n: number): string {
  const birth = new Date(Date.UTC(1980, 0, 1) + (n % 9000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const body = `${division}${birth}${String(n % 1000).padStart(3, '0')}`;
  return body + citizenIdCheckChar(body);
}

/** The hukou source header (Chinese titles, as departments send). */
export const HUKOU_HEADER = ['公民身份号码', '姓名', '性别', '出生日期', '行政区划代码', '联系电话'];

/** `count` hukou rows of a division. */
export function hukouRows(division: string, count: number, from = 0): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const id = citizenIdIn(division, from + i);
    return [
      id,
      `居民${from + i}`,
      (from + i) % 2 ? '男' : '女',
      `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      division,
      `138${String(from + i).padStart(8, '0')}`,
    ];
  });
}

/** A frozen project (as `loadProject` accepts it) whose hukou pipeline loads `rows`, with a platform section. */
export function nodeProject(
  id: string,
  level: 'county' | 'prefecture' | 'region',
  rows: string[][],
  platform: PlatformSpec,
  writeMode: 'replace' | 'append' | 'merge' = 'replace',
) {
  const hukou = definePipeline({
    name: 'hukou',
    source: memory({ name: `hukou@${id}`, columns: HUKOU_HEADER, rows }),
    dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog: hukouTestCatalog, writeMode },
  });
  const project = defineProject({
    name: `node_${id}`,
    node: { id, level, name: `node ${id}` },
    pipelines: [hukou],
  });
  return Object.freeze({ ...project, platform });
}

/** The node context of a project in `dir`. */
export function contextOf(project: ReturnType<typeof nodeProject>, dir: string): NodeContext {
  return nodeContext(project, dir);
}

/**
 * Writes a chunk file as a sender would (DuckDB `COPY … TO` Parquet with the header in its footer): `values`
 * column by column, each cast to its column's type (a value that does not convert stays text, to test refusals).
 */
export async function makeChunk(
  wh: Warehouse,
  file: string,
  header: unknown,
  columns: readonly { name: string; type: string }[],
  values: readonly (readonly (string | null)[])[],
): Promise<Buffer> {
  const rows = values[0]?.length ?? 0;
  const tuples = Array.from(
    { length: rows },
    (_, r) =>
      `(${columns.map((_, c) => (values[c]![r] === null ? 'NULL' : quoteLiteral(values[c]![r]!))).join(', ')})`,
  );
  const select =
    rows === 0
      ? `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} LIMIT 0`
      : `SELECT ${columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')}
         FROM (VALUES ${tuples.join(', ')}) t(${columns.map((c) => quoteIdent(c.name)).join(', ')})`;
  await writeChunkFile(wh, select, file, header);
  return readFileSync(file);
}

/** The signed path of a push of chunk `seq` of `chunks`. */
export function pushPath(dataset: string, batch: string, seq = 0, chunks = 1): string {
  return `/v1/push?${new URLSearchParams({ dataset, batch, seq: String(seq), chunks: String(chunks) })}`;
}
