/**
 * Golden files: the fixed model in test/reports/fixture.ts → every file of the site, compared byte for byte
 * with test/reports/golden/<variant>/<file>.golden. The clock is pinned (the model carries builtAt) and so is the time zone
 * (vitest sets TZ=Asia/Shanghai; one test renders under another TZ and must give the same bytes).
 * Update after an intended change: `UPDATE_GOLDEN=1 npx vitest run test/reports/golden.test.ts`, then review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardModel, findCitizenIds, renderSite } from '../../reports/index.ts';
import { fixtureModel, PLANTED_IDS } from './fixture.ts';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
// Golden files carry an extra extension so the formatter and linter leave them byte for byte as rendered.
const EXT = '.golden';

const VARIANTS = {
  'zh-CN': () => renderSite(fixtureModel(), { lang: 'zh-CN' }),
  en: () => renderSite(fixtureModel(), { lang: 'en' }),
  'zh-CN-configured': () => renderSite(fixtureModel({ configured: true }), { lang: 'zh-CN' }),
};

function compare(variant: string, files: Map<string, string>) {
  const dir = join(GOLDEN, variant);
  if (UPDATE) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of files) writeFileSync(join(dir, `${name}${EXT}`), text);
    return;
  }
  expect(existsSync(dir), `${dir} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect([...files.keys()].map((f) => `${f}${EXT}`).sort()).toEqual(readdirSync(dir).sort());
  for (const [name, text] of files) {
    expect(text, `${variant}/${name} differs from the golden file (UPDATE_GOLDEN=1 to accept)`).toBe(
      readFileSync(join(dir, `${name}${EXT}`), 'utf8'),
    );
  }
}

describe('golden files', () => {
  for (const [variant, render] of Object.entries(VARIANTS)) {
    it(`renders the fixture (${variant}) exactly as the golden files`, () => {
      compare(variant, render());
    });
  }

  const tz = process.env.TZ;
  const restoreTz = () => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  };
  afterEach(restoreTz);
  it('gives the same bytes in another machine time zone', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(new Date('2026-11-29T14:00:00Z').getHours()).toBe(6); // the zone really changed
    const files = renderSite(fixtureModel(), { lang: 'zh-CN' });
    restoreTz();
    if (!UPDATE) compare('zh-CN', files);
  });

  it('is a pure function of the model: rendering twice gives the same files', () => {
    const a = renderSite(fixtureModel(), { lang: 'en' });
    const b = renderSite(fixtureModel(), { lang: 'en' });
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it('writes report.json that parses back as the model it was rendered from (masked)', () => {
    const files = renderSite(fixtureModel(), { lang: 'zh-CN' });
    const parsed = DashboardModel.parse(JSON.parse(files.get('report.json')!));
    expect(parsed.quality.runId).toBe('20261129141239-dcffb0');
    // The fixture plants unmasked identity numbers; none survives in any file.
    expect(findCitizenIds(JSON.stringify(fixtureModel()))).toEqual(expect.arrayContaining(PLANTED_IDS));
    for (const [name, text] of files) expect(findCitizenIds(text), name).toEqual([]);
  });
});
