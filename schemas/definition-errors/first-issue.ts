/** The definition error of a factory call or project part: its first zod issue, with a fix hint by path. */
import type { z } from 'zod';
import { DefinitionError } from '../errors.ts';
import { definitionMessage, problemMessage } from './message.ts';

/** A hint for a path: how to fix a bad value there. Keys are dotted paths, `*` matches one segment. */
export type FixHints = Readonly<Record<string, string>>;

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return typeof v;
  }
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.map((v) => JSON.stringify(v)).join(' or ');
    case 'invalid_type':
      return issue.expected;
    case 'invalid_format':
      return 'pattern' in issue && issue.pattern
        ? `text matching ${issue.pattern}`
        : `a valid ${issue.format}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'unrecognized_keys':
      return `no key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return issue.message;
  }
}

function hintFor(path: string, hints: FixHints): string | undefined {
  if (hints[path]) return hints[path];
  for (const [pattern, hint] of Object.entries(hints)) {
    const re = new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '[^.]+')}$`);
    if (re.test(path)) return hint;
  }
  return undefined;
}

/** One issue of a failed definition as a message line, with its field, what is allowed and the fix. */
function problemOf(issue: z.core.$ZodIssue, prefix: string, hints: FixHints) {
  const path = issue.path.map(String).join('.') || '(root)';
  const got =
    issue.code === 'unrecognized_keys'
      ? undefined
      : 'input' in issue
        ? describeValue(issue.input)
        : undefined;
  const fix =
    hintFor(path, hints) ??
    (issue.code === 'unrecognized_keys'
      ? `remove ${issue.keys.join(', ')} (check the spelling)`
      : `set ${path} to ${expectedOf(issue)}`);
  const message =
    issue.code === 'custom'
      ? problemMessage({ where: prefix, field: path, problem: issue.message, fix })
      : definitionMessage({
          where: prefix,
          field: path,
          expected: expectedOf(issue),
          ...(got === undefined ? {} : { got }),
          fix,
        });
  return { message, field: path, allowed: expectedOf(issue), fix };
}

/**
 * Turns the zod issues of a failed definition into one `DefinitionError` that names every problem, one line
 * each, saying where (file and object), which field, what is allowed, what was given and how to fix it.
 * `details` holds the first problem's field, allowed values and fix, and `problems` (every line) when there
 * are several.
 */
export function definitionErrorFromZod(
  error: z.ZodError,
  where: { file?: string | undefined; object: string },
  hints: FixHints = {},
): DefinitionError {
  const prefix = [where.file, where.object].filter(Boolean).join(': ');
  const problems = error.issues.map((issue) => problemOf(issue, prefix, hints));
  const first = problems[0]!;
  return new DefinitionError(problems.map((p) => p.message).join('\n'), {
    file: where.file,
    field: first.field,
    allowed: first.allowed,
    fix: first.fix,
    ...(problems.length > 1 ? { problems: problems.map((p) => p.message) } : {}),
  });
}

/**
 * Parses the spec of a `define…()` call with its schema, or throws the definition error of its problems, named
 * `<file>: <kind> <name>` (`(unnamed)` when the spec has no name).
 * @example const d = parseDefinition(modelSchema, spec, { file, kind: 'model' }, { layer: 'layer: "theme"' });
 */
export function parseDefinition<S extends z.ZodType>(
  schema: S,
  spec: unknown,
  where: { file: string | undefined; kind: string },
  hints: FixHints = {},
): z.output<S> {
  const parsed = schema.safeParse(spec, { reportInput: true });
  if (parsed.success) return parsed.data;
  const name = (spec as { name?: unknown } | null | undefined)?.name;
  const label = typeof name === 'string' ? name : '(unnamed)';
  throw definitionErrorFromZod(parsed.error, { file: where.file, object: `${where.kind} ${label}` }, hints);
}
