import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

describe('the README examples', () => {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');

  it('show quarantined rows with quarantine list (masked), and no query prints key values or whole rows', () => {
    const task = readme.split('\n').find((l) => l.startsWith('| see quarantined rows'));
    expect(task).toContain('quarantine list');
    const queries = readme.match(/sql "[^"]*"/g) ?? [];
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q).not.toMatch(/key_value|row_json|SELECT \*/i);
  });
});
