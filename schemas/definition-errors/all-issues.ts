/**
 * Every problem of a definition, one line each: zod issues become `where: field: expected …; got …. Fix: …`,
 * naming the allowed values (enum options, known keys) and suggesting the value most likely meant.
 */
import type { z } from 'zod';
import { plainPath, valueAt } from './input-paths.ts';
import { definitionMessage, problemMessage } from './message.ts';
import { NO_VOCABULARY, type SuggestionVocabulary, suggest } from './suggest.ts';
import { type AnySchema, descriptionOf, exampleFor, knownKeys, schemaAt } from './zod-schema.ts';

/** One formatted problem of a definition: the message line, and the structured parts for DefinitionError. */
export interface DefinitionProblem {
  readonly message: string;
  readonly field: string;
  readonly allowed?: string;
  readonly fix: string;
}

/** What the formatter needs besides the issues. */
export interface DefinitionIssuesContext {
  /** The file and object, e.g. `examples/xinjiang/catalog.ts: dataset hukou (户籍人口)`. */
  readonly where: string;
  /** The value as written. */
  readonly input: unknown;
  /** The schema it was parsed with (for allowed keys, descriptions and examples). */
  readonly schema: AnySchema;
  /** Labels and aliases the suggestions understand; defaults to none (near spellings only). */
  readonly vocabulary?: SuggestionVocabulary;
  /** What the definition is called where a path is empty; defaults to `entry`. */
  readonly root?: string;
  /** Text appended to a field's path, e.g. ` (column name)` for an item of a list of columns. */
  readonly annotate?: (input: unknown, path: readonly PropertyKey[]) => string;
}

/** One issue at its place in the input. */
interface Place {
  readonly ctx: DefinitionIssuesContext;
  /** The path as shown, with its annotation. */
  readonly field: string;
  /** The path as written in a fix. */
  readonly leaf: string;
  readonly here: AnySchema | undefined;
  readonly got: unknown;
  readonly vocabulary: SuggestionVocabulary;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** A value as a reader would name it: `nothing`, `"text"`, `an array of 3`, `number 7`. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

// Examples used in the fix of a format error, by the key that failed.
const FORMAT_EXAMPLES: Readonly<Record<string, string>> = {
  code: '"1/01/001/0001" (分类码 类/项/目/细目 + 顺序码)',
  publishedAt: '"2024-01-15"',
  reviewDueAt: '"2025-01-15"',
  dataset: '"hukou"',
  name: '"id_number"',
};

function problem(p: Place, expected: string, got: string | undefined, fix: string, allowed?: string) {
  return {
    message: definitionMessage({
      where: p.ctx.where,
      field: p.field,
      expected,
      ...(got === undefined ? {} : { got }),
      fix,
    }),
    field: p.field,
    fix,
    ...(allowed === undefined ? {} : { allowed }),
  };
}

type Formatter<C extends z.core.$ZodIssue['code']> = (
  issue: Extract<z.core.$ZodIssue, { code: C }>,
  p: Place,
) => DefinitionProblem[];

const invalidType: Formatter<'invalid_type'> = (issue, p) => {
  const desc = descriptionOf(p.here);
  const hint = desc ? ` (${desc})` : '';
  if (p.got === undefined)
    return [problem(p, article(issue.expected), 'nothing', `add ${p.leaf}: ${exampleFor(p.here)}${hint}`)];
  return [
    problem(p, article(issue.expected), describe(p.got), `write ${p.leaf} as ${exampleFor(p.here)}${hint}`),
  ];
};

const invalidValue: Formatter<'invalid_value'> = (issue, p) => {
  const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
  const best = suggest(p.got, issue.values.map(String), p.vocabulary);
  return [
    problem(
      p,
      `one of ${allowed}`,
      describe(p.got),
      best ? `${p.leaf}: "${best}"` : `use one of ${allowed}`,
      issue.values.map(String).join('|'),
    ),
  ];
};

const invalidFormat: Formatter<'invalid_format'> = (issue, p) => {
  const example = FORMAT_EXAMPLES[String(issue.path.at(-1))];
  return [
    problem(
      p,
      issue.message,
      describe(p.got),
      example ? `${p.leaf}: ${example}` : `write ${p.leaf} as ${issue.message}`,
    ),
  ];
};

const tooSmall: Formatter<'too_small'> = (issue, p) => {
  const min = Number(issue.minimum);
  const expected =
    issue.origin === 'array'
      ? `at least ${min} item${min === 1 ? '' : 's'}`
      : issue.origin === 'string'
        ? min === 1
          ? 'a non-empty string'
          : `at least ${min} characters`
        : `at least ${min}`;
  return [problem(p, expected, describe(p.got), `give ${p.leaf} ${expected}`)];
};

const tooBig: Formatter<'too_big'> = (issue, p) => {
  const max = Number(issue.maximum);
  return [problem(p, `at most ${max}`, describe(p.got), `shorten ${p.leaf} to at most ${max}`)];
};

const unrecognizedKeys: Formatter<'unrecognized_keys'> = (issue, p) => {
  const known = knownKeys(p.here);
  const root = `(${p.ctx.root ?? 'entry'})`;
  return issue.keys.map((key) => {
    const best = suggest(key, known, p.vocabulary);
    const keyField = p.field === root ? key : `${p.field}.${key}`;
    const fix = best ? `rename ${key} to ${best}` : `remove ${key}`;
    return {
      message: definitionMessage({
        where: p.ctx.where,
        field: keyField,
        expected: best ? 'a known key' : `a known key (${known.join(', ')})`,
        got: 'an unknown key',
        fix,
      }),
      field: keyField,
      allowed: known.join('|'),
      fix,
    };
  });
};

const custom: Formatter<'custom'> = (issue, p) => {
  const params = (issue.params ?? {}) as { fix?: string; allowed?: string };
  if (params.fix === undefined) return [problem(p, issue.message, describe(p.got), `correct ${p.leaf}`)];
  // Entry-level rule messages name their fields; nested ones get the path in front.
  return [
    {
      message: problemMessage({
        where: p.ctx.where,
        ...(issue.path.length > 1 ? { field: p.field } : {}),
        problem: issue.message,
        fix: params.fix,
      }),
      field: p.field,
      fix: params.fix,
      ...(params.allowed === undefined ? {} : { allowed: params.allowed }),
    },
  ];
};

function formatIssue(issue: z.core.$ZodIssue, p: Place): DefinitionProblem[] {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue, p);
    case 'invalid_value':
      return invalidValue(issue, p);
    case 'invalid_format':
      return invalidFormat(issue, p);
    case 'too_small':
      return tooSmall(issue, p);
    case 'too_big':
      return tooBig(issue, p);
    case 'unrecognized_keys':
      return unrecognizedKeys(issue, p);
    case 'custom':
      return custom(issue, p);
    default:
      return [problem(p, issue.message, describe(p.got), `correct ${p.leaf}`)];
  }
}

/**
 * Turns zod issues into definition-error lines, `where: field: expected …; got …. Fix: …`, naming allowed
 * values (enum options, known keys) and suggesting the value most likely meant. `input` is the parsed value,
 * `schema` the schema it was parsed with (for allowed keys, descriptions and examples).
 */
export function formatDefinitionIssues(
  issues: readonly z.core.$ZodIssue[],
  ctx: DefinitionIssuesContext,
): DefinitionProblem[] {
  const root = ctx.root ?? 'entry';
  const vocabulary = ctx.vocabulary ?? NO_VOCABULARY;
  return issues.flatMap((issue) =>
    formatIssue(issue, {
      ctx,
      field: plainPath(issue.path, `(${root})`) + (ctx.annotate?.(ctx.input, issue.path) ?? ''),
      leaf: plainPath(issue.path, root),
      here: schemaAt(ctx.schema, issue.path),
      got: valueAt(ctx.input, issue.path),
      vocabulary,
    }),
  );
}
