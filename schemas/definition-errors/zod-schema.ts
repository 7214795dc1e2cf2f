/** What a zod schema says about one of its places: the schema there, its description, an example value. */
import { z } from 'zod';

/** Any zod schema. */
export type AnySchema = z.core.$ZodType;

/** The schema inside optional, default, nullable and pipe wrappers. */
export function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def as unknown as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The schema at `path` inside `schema` (through optional, default, pipe, array and object), or undefined. */
export function schemaAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let s: AnySchema | undefined = schema;
  for (const key of path) {
    if (!s) return undefined;
    const def = unwrap(s)._zod.def as unknown as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (def.type === 'object' && typeof key === 'string') s = def.shape?.[key];
    else if (def.type === 'array' && typeof key === 'number') s = def.element;
    else return undefined;
  }
  return s;
}

/** The `.meta({ description })` of a schema or of the schema it wraps. */
export function descriptionOf(schema: AnySchema | undefined): string | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const d = z.globalRegistry.get(s)?.description;
    if (d) return d;
    const def = s._zod.def as unknown as { innerType?: AnySchema };
    s = def.innerType;
  }
  return undefined;
}

/** A placeholder value of the schema's kind, for a fix: `"…"`, `false`, `[…]`, `{ … }`, the first enum value. */
export function exampleFor(schema: AnySchema | undefined): string {
  if (!schema) return '…';
  const def = unwrap(schema)._zod.def as unknown as { type: string; entries?: Record<string, string> };
  switch (def.type) {
    case 'string':
      return '"…"';
    case 'boolean':
      return 'false';
    case 'array':
      return '[…]';
    case 'object':
      return '{ … }';
    case 'enum':
      return JSON.stringify(Object.values(def.entries ?? {})[0] ?? '…');
    default:
      return '…';
  }
}

/** The keys an object schema knows. */
export function knownKeys(schema: AnySchema | undefined): string[] {
  const def = schema
    ? (unwrap(schema)._zod.def as unknown as { shape?: Record<string, unknown> })
    : undefined;
  return Object.keys(def?.shape ?? {});
}
