import { describe, expect, it } from 'vitest';
import { csv } from '../../connectors/index.ts';
import { citizenId, definePipeline, type PipelineSpec } from '../../pipelines/index.ts';
import { defineProject, type ProjectSpec } from '../../project/index.ts';

const source = csv({ path: 'data/hukou.csv' });

describe('definePipeline', () => {
  it('returns a frozen pipeline with defaults', () => {
    const p = definePipeline({
      name: 'hukou',
      source,
      dataset: { name: 'hukou', key: citizenId('公民身份号码') },
    });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.dataset)).toBe(true);
    expect(p.dataset.writeMode).toBe('replace');
    expect(p.file).toBe('test/pipelines/define.test.ts');
  });

  it.each([
    [
      'a bad key kind',
      { name: 'hukou', source, dataset: { name: 'hukou', key: { kind: 'id', column: 'x' } } },
    ],
    ['a bad name', { name: 'Hukou-1', source, dataset: { name: 'hukou' } }],
    ['a bad write mode', { name: 'hukou', source, dataset: { name: 'hukou', writeMode: 'upsert' } }],
    ['no source', { name: 'hukou', dataset: { name: 'hukou' } }],
    ['a misspelt option', { name: 'hukou', source, dataset: { name: 'hukou', wirteMode: 'append' } }],
  ])('names file, field, allowed values and fix for %s', (_what, spec) => {
    expect(() => definePipeline(spec as unknown as PipelineSpec)).toThrowErrorMatchingSnapshot();
  });
});

describe('a merge dataset', () => {
  it('needs a key or a mergeKey to match rows on', () => {
    expect(() => definePipeline({ name: 'p', source, dataset: { name: 'p', writeMode: 'merge' } })).toThrow(
      'dataset.writeMode: "merge" needs columns to match rows on, and this dataset has neither a key nor a mergeKey. Fix: writeMode:',
    );
    expect(
      definePipeline({ name: 'p', source, dataset: { name: 'p', writeMode: 'merge', mergeKey: ['a'] } })
        .dataset.writeMode,
    ).toBe('merge');
  });
});

describe('dataset names that could reach a system table or schema', () => {
  it.each([
    'gongshu_loads',
    'gongshu_divisions',
    'gongshu_quarantine',
    'gongshu',
    'foundation',
    'theme',
    'topic',
    'received',
    'backflow',
    'main',
    'temp',
    'system',
    'information_schema',
    'pg_catalog',
    'duckdb_tables',
    'sqlite_master',
  ])('refuses %s at definition time, naming the field and the fix', (name) => {
    expect(() => definePipeline({ name: 'p', source, dataset: { name } })).toThrow(
      new RegExp(`dataset\\.name: "${name}" is reserved: .*Fix: dataset: \\{ name: "hukou" \\}`),
    );
  });

  it('accepts names that only resemble them', () => {
    for (const name of ['loads', 'gongshu2_x', 'maintenance', 'themes', 'topic_2026', 'temperature']) {
      expect(definePipeline({ name: 'p', source, dataset: { name } }).dataset.name).toBe(name);
    }
  });
});

describe('defineProject', () => {
  const p = (name: string, dataset = name) => definePipeline({ name, source, dataset: { name: dataset } });

  it('rejects a bad node id', () => {
    expect(() =>
      defineProject({ name: 'xj', node: { id: '65', level: 'region', name: '新疆' }, pipelines: [] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: test/pipelines/define.test.ts: project xj: node.id: expected text matching /^\\d{6}$/; got "65". Fix: node: { id: "650000" } (the six-digit division code of this node)]`,
    );
  });

  it('rejects a bad level', () => {
    expect(() =>
      defineProject({
        name: 'xj',
        node: { id: '650000', level: 'province', name: '新疆' },
      } as unknown as ProjectSpec),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: test/pipelines/define.test.ts: project xj: node.level: expected "county" or "prefecture" or "region"; got "province". Fix: set node.level to "county" or "prefecture" or "region"]`,
    );
  });

  it('rejects two pipelines writing one dataset', () => {
    expect(() =>
      defineProject({
        name: 'xj',
        node: { id: '650000', level: 'region', name: '新疆' },
        pipelines: [p('a', 'd'), p('b', 'd')],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: test/pipelines/define.test.ts: project xj: pipelines: dataset name "d" is used twice (pipelines a and b). Fix: give each dataset its own name]`,
    );
  });

  it('rejects something that is not a pipeline', () => {
    expect(() =>
      defineProject({
        name: 'xj',
        node: { id: '650000', level: 'region', name: '新疆' },
        pipelines: [{ name: 'raw' }],
      } as unknown as ProjectSpec),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: test/pipelines/define.test.ts: project xj: pipelines.0: a pipeline made by definePipeline({...}). Fix: pipelines: [definePipeline({...}), ...]]`,
    );
  });
});
