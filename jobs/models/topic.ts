import { callerFile } from '../../schemas/index.ts';
import { type Model, type ModelSpec, makeModel } from './define.ts';

/**
 * Defines a topic model (专题库: one business goal in a period), materialised into schema `topic`.
 * @example topic({ name: 'elderly_subsidy_2026', sql: ({ ref }) => `SELECT … FROM ${ref('foundation.population')}` })
 */
export function topic(spec: Omit<ModelSpec, 'layer'>): Model {
  return makeModel({ ...spec, layer: 'topic' }, callerFile());
}
