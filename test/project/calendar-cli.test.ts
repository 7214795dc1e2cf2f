/** `gongshu calendar check` and the calendar files of a project, through the CLI; the dashboard note of the fallback. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuality } from '../../quality/index.ts';
import { writeDashboard } from '../../reports/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { projectFolder } from './fixture.ts';

const CONFIG = (calendar: string) => `
import { defineProject } from 'gongshu';
export default defineProject({
  name: 'cal',
  node: { id: '650102', level: 'county', name: '天山区' },
  calendar: ${calendar},
});
`;
const Y2027 = JSON.stringify({
  year: 2027,
  source: 'test: 国务院办公厅关于2027年部分节假日安排的通知 (transcribed for the test)',
  holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
  workdays: [],
});

describe('gongshu calendar check', () => {
  it('exits 1 after 1 December while next year is missing; a project calendar file fixes it', () => {
    const bare = projectFolder({ 'gongshu.config.ts': CONFIG('[]') });
    const missing = gongshu(['calendar', 'check', '--project', bare, '--today', '2026-12-06', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.lines[0]!)).toMatchObject({
      ok: false,
      missing: [2027],
      last: 2026,
      fix: expect.stringContaining('calendar/2027.json'),
    });
    const human = gongshu(['calendar', 'check', '--project', bare, '--today', '2026-12-06']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/2004–2026\s+chinese-days/);
    expect(human.stderr).toMatch(
      /calendar check: no official calendar for 2027 \(today 2026-12-06\); working days there fall back to Monday–Friday\. Fix:/,
    );
    expect(gongshu(['calendar', 'check', '--project', bare, '--today', '2026-11-30']).code).toBe(0);

    const dir = projectFolder({
      'gongshu.config.ts': CONFIG("['calendar/2027.json']"),
      'calendar/2027.json': Y2027,
    });
    const ok = gongshu(['calendar', 'check', '--project', dir, '--today', '2026-12-06', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.lines[0]!)).toMatchObject({
      ok: true,
      last: 2027,
      years: expect.arrayContaining([
        { year: 2027, source: expect.stringContaining('2027'), file: join(dir, 'calendar/2027.json') },
      ]),
    });
  });

  it('the dashboard notes a report that used the Monday–Friday fallback', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const report = await runQuality(wh, { history: false });
    wh.close();
    const out = tempDir();
    const warning =
      'working days in 2027 were counted as Monday–Friday: no official holiday calendar for 2027';
    const r = await writeDashboard({
      report: { ...report, calendarWarning: warning },
      warehouse: null,
      outDir: out,
    });
    expect(readFileSync(r.index, 'utf8')).toContain(warning);
  });
});
