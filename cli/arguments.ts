import { statSync } from 'node:fs';
import { reservedNameProblem, unreservedName } from '../schemas/index.ts';
import { CliError, EXIT } from './errors.ts';

/** A dataset, pipeline or table name as definitions accept it. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** A name as close to `text` as NAME_PATTERN allows (`Bad-Name` → `bad_name`), for the fix of a bad name. */
export function nameLike(text: string): string {
  const s = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '');
  return s || 'hukou';
}

/** A dataset name as close to `text` as allowed: valid, and not reserved (`GONGSHU_LOADS` → `loads`). */
function datasetNameLike(text: string): string {
  const name = nameLike(text);
  return reservedNameProblem(name) ? unreservedName(name) : name;
}

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The problems of one command line, collected so all of them are reported together before any work starts.
 * Each problem reads `where: expected …; got …. Fix: …`.
 *
 * @example
 * const p = new ArgumentProblems();
 * p.positiveInteger('--limit', opts.limit, '--limit 20');
 * p.throwIfAny(); // one CliError (exit 2) naming every problem
 */
export class ArgumentProblems {
  readonly #problems: { message: string; fix: string }[] = [];

  /** The problems so far, one message each. */
  get messages(): string[] {
    return this.#problems.map((p) => p.message);
  }

  /** Records a problem already phrased as a message (e.g. commander's), with its fix. */
  addMessage(message: string, fix: string): void {
    this.#problems.push({ message: `${message}. Fix: ${fix}`, fix });
  }

  /** Records `where: expected …; got …. Fix: …`. */
  add(where: string, expected: string, got: unknown, fix: string): void {
    const gotText =
      got === undefined ? 'nothing' : typeof got === 'string' ? JSON.stringify(got) : String(got);
    this.#problems.push({ message: `${where}: expected ${expected}; got ${gotText}. Fix: ${fix}`, fix });
  }

  /** Checks an optional value against allowed choices. */
  choice(where: string, value: unknown, choices: readonly string[]): void {
    if (value === undefined) return;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!choices.includes(String(v)))
        this.add(
          where,
          `one of ${choices.join(', ')}`,
          v,
          `${where.startsWith('-') ? `${where} ` : ''}${choices[0]}`,
        );
    }
  }

  /** Checks an optional integer within [min, max]; `fix` is a corrected example such as `--limit 20`. */
  integer(where: string, value: string | undefined, min: number, max: number, fix: string): void {
    if (value === undefined) return;
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER
          ? min === 1
            ? 'a positive integer'
            : `an integer ≥ ${min.toLocaleString('en')}`
          : `an integer from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
      this.add(where, range, value, fix);
    }
  }

  /** Checks an optional positive integer. */
  positiveInteger(where: string, value: string | undefined, fix: string): void {
    this.integer(where, value, 1, Number.MAX_SAFE_INTEGER, fix);
  }

  /** Checks an optional real calendar date YYYY-MM-DD (`2026-13-01` and `2026-02-30` are refused). */
  date(where: string, value: string | undefined, example: string): void {
    if (value === undefined || isCalendarDate(value)) return;
    this.add(where, 'a calendar date YYYY-MM-DD', value, `${where} ${example}`);
  }

  /** Checks optional names against NAME_PATTERN (lower-case letters, digits and _, starting with a letter). */
  name(where: string, value: string | readonly string[] | undefined): void {
    if (value === undefined) return;
    for (const v of typeof value === 'string' ? [value] : value) {
      if (!NAME_PATTERN.test(v)) {
        this.add(
          where,
          'a name of lower-case letters, digits and _ starting with a letter',
          v,
          `${where.startsWith('-') ? `${where} ` : ''}${where === '--dataset' ? datasetNameLike(v) : nameLike(v)}`,
        );
      }
    }
  }

  /** Checks that an optional path exists and is a file (`kind: 'file'`), a folder, or either. */
  path(where: string, value: string | undefined, kind: 'file' | 'folder' | 'any', fix: string): void {
    if (value === undefined) return;
    const stat = statSync(value, { throwIfNoEntry: false });
    if (!stat) this.addMessage(`${where}: ${value}: no such file or folder`, fix);
    else if (kind === 'file' && !stat.isFile())
      this.addMessage(`${where}: ${value}: expected a file; got a folder`, fix);
    else if (kind === 'folder' && !stat.isDirectory())
      this.addMessage(`${where}: ${value}: expected a folder; got a file`, fix);
  }

  /** Checks `--project DIR` (or a config file): it must exist; `.` (the default) is left to the project loader. */
  project(value: string | undefined): void {
    if (value === undefined || value === '.') return;
    this.path('--project', value, 'any', 'pass --project DIR, the folder holding gongshu.config.ts');
  }

  /**
   * Checks the `--project DIR` and `--warehouse FILE` of a command that reads a project's warehouse: the file must
   * exist; the project is checked only when no warehouse file is given.
   */
  projectOrWarehouse(o: { project?: string | undefined; warehouse?: string | undefined }): void {
    this.project(o.warehouse ? undefined : o.project);
    this.path(
      '--warehouse',
      o.warehouse,
      'file',
      "pass an existing DuckDB file, or omit --warehouse to use the project's",
    );
  }

  /** Throws one CliError (exit 2) naming every problem; returns when there are none. */
  throwIfAny(): void {
    const problems = this.#problems;
    if (problems.length === 0) return;
    const message =
      problems.length === 1
        ? problems[0]!.message
        : `${problems.length} problems in the command line:\n${problems.map((p) => `  ${p.message}`).join('\n')}`;
    throw new CliError(message, EXIT.usage, {
      fix: problems.map((p) => p.fix).join('; '),
      ...(problems.length > 1 ? { problems: problems.map((p) => p.message) } : {}),
    });
  }
}
