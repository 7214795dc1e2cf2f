import { callerFile } from '../../schemas/index.ts';
import { type Model, type ModelSpec, makeModel } from './define.ts';

/**
 * Defines a theme model (主题库: health, ecology, education, culture …), materialised into schema `theme`.
 * @example theme({ name: 'births_by_county', sql: ({ ref }) => `SELECT … FROM ${ref('foundation.population')}` })
 */
export function theme(spec: Omit<ModelSpec, 'layer'>): Model {
  return makeModel({ ...spec, layer: 'theme' }, callerFile());
}
