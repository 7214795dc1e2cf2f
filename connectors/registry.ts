import { DefinitionError, definitionMessage } from '../schemas/errors.ts';
import { csv } from './csv/csv.ts';
import type { CsvOptionsInput } from './csv/options.ts';
import type { Connector } from './types.ts';

/** Creates a connector from options that the factory validates itself (zod). */
export type ConnectorFactory = (options: unknown) => Connector;

/** Source kind → factory. Each connector folder adds its entry here. */
const FACTORIES: Readonly<Record<string, ConnectorFactory>> = Object.freeze({
  csv: (options: unknown) => csv(options as CsvOptionsInput),
});

/** The registered connector kinds, sorted. */
export function connectorKinds(): string[] {
  return Object.keys(FACTORIES).sort();
}

/**
 * Creates a connector by kind, e.g. from project config; options are validated by the factory.
 *
 * @example
 * const source = createConnector('csv', { path: 'data/hukou.csv' });
 */
export function createConnector(kind: string, options: unknown): Connector {
  const factory = Object.hasOwn(FACTORIES, kind) ? FACTORIES[kind] : undefined;
  if (factory === undefined) {
    const allowed = connectorKinds()
      .map((k) => JSON.stringify(k))
      .join(' | ');
    throw new DefinitionError(
      definitionMessage({
        where: 'createConnector()',
        field: 'kind',
        expected: `one of ${allowed}`,
        got: JSON.stringify(kind),
        fix: `createConnector(${JSON.stringify(connectorKinds()[0])}, { … })`,
      }),
      { field: 'kind', allowed },
    );
  }
  return factory(options);
}
