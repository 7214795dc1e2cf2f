/**
 * The one grammar of a definition-error line: `where: field: expected …; got …. Fix: …`, or, for a rule that
 * explains itself, `where: field: problem. Fix: …`.
 */

/** Formats the standard definition-error message: `where: field: expected …; got …. Fix: …`. */
export function definitionMessage(parts: {
  where: string;
  field: string;
  expected: string;
  got?: string;
  fix: string;
}): string {
  const got = parts.got === undefined ? '' : `; got ${parts.got}`;
  return problemMessage({
    where: parts.where,
    field: parts.field,
    problem: `expected ${parts.expected}${got}`,
    fix: parts.fix,
  });
}

/** A definition-error line whose problem is a sentence of its own: `where: field: problem. Fix: …` (field optional). */
export function problemMessage(parts: {
  where: string;
  field?: string;
  problem: string;
  fix: string;
}): string {
  const field = parts.field === undefined ? '' : `${parts.field}: `;
  return `${parts.where}: ${field}${parts.problem}. Fix: ${parts.fix}`;
}
