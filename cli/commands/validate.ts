import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { getDivision, loadDivisionTable, parseCitizenId, parseUscc } from '../../schemas/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';

/** One validation result as printed by `gongshu validate --json`. */
export type ValidationRecord = {
  input: string;
  valid: boolean;
  normalized: string | null;
  reason: string | null;
  warnings: string[];
} & Record<string, unknown>;

/** Validates a division code (GB/T 2260): six digits, known in some year of the table. */
export function validateDivision(input: string): ValidationRecord {
  const normalized = input.normalize('NFKC').trim();
  if (!normalized) return { input, valid: false, normalized: null, reason: 'missing', warnings: [] };
  if (!/^\d{6}$/.test(normalized))
    return { input, valid: false, normalized: null, reason: 'format', warnings: [] };
  const d = getDivision(normalized);
  if (!d) return { input, valid: false, normalized, reason: 'unknown', warnings: [] };
  return {
    input,
    valid: true,
    normalized,
    reason: null,
    // A historic code is still valid (old ID numbers carry it): say so as a warning.
    warnings: d.current ? [] : ['not-current'],
    name: d.name,
    level: d.level,
    parent: d.parent,
    start: d.start,
    end: d.end,
    current: d.current,
  };
}

/** The fields every kind's record starts with. */
function commonFields(
  input: string,
  r: { valid: boolean; normalized: string | null; reason: string | null; warnings: readonly string[] },
) {
  return { input, valid: r.valid, normalized: r.normalized, reason: r.reason, warnings: [...r.warnings] };
}

/** Validates one value of a kind, shaped for the CLI. */
export function validateValue(kind: string, input: string): ValidationRecord {
  if (kind === 'division') return validateDivision(input);
  if (kind === 'uscc') {
    const r = parseUscc(input);
    return {
      ...commonFields(input, r),
      authority: r.authority,
      authorityName: r.authorityName,
      category: r.category,
      categoryName: r.categoryName,
      division: r.division,
      orgCode: r.orgCode,
    };
  }
  const r = parseCitizenId(input);
  return {
    ...commonFields(input, r),
    birthDate: r.birthDate,
    sex: r.sex,
    division: r.division,
  };
}

async function readStdinLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin })) lines.push(line);
  return lines;
}

/** Every problem of the validate command line: the division table must be a file. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.path(
    '--divisions',
    options.divisions as string | undefined,
    'file',
    'pass a GB/T 2260 table as CSV (code,name,start,end)',
  );
}

/** `gongshu validate KIND VALUE...`: exit 0 when every value is valid, 1 when any is not. */
export default async function validate(args: unknown[], command: Command): Promise<number> {
  const [kind, rawValues] = args as [string, string[]];
  const values = rawValues.length === 1 && rawValues[0] === '-' ? await readStdinLines() : rawValues;
  const out = processOutput();
  const divisions = command.opts<{ divisions?: string }>().divisions;
  if (divisions) {
    const { added, updated } = loadDivisionTable(divisions);
    out.note(`division table ${divisions}: ${added} codes added, ${updated} updated`);
  }
  const records = values.map((v) => validateValue(kind, v));
  if (command.opts().json) {
    for (const r of records) out.json(r);
  } else {
    const rows = records.map(({ input, valid, normalized, reason, warnings, ...details }) => ({
      input,
      valid: valid ? '✓' : '✗',
      normalized,
      reason,
      warnings: warnings.join(','),
      details: Object.entries(details)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    }));
    for (const line of formatTable(rows)) out.data(line);
  }
  return records.every((r) => r.valid) ? EXIT.ok : EXIT.failures;
}
