/** Writing the site (atomic swap, refusing foreign folders), the `gongshu report` command, and formatting units. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuality, writeReportFile } from '../../quality/index.ts';
import { attentionOrder, datasetHref, departmentRanking, slug } from '../../reports/derive.ts';
import {
  findCitizenIds,
  renderRulesCsv,
  renderSite,
  scrubText,
  texts,
  writeDashboard,
} from '../../reports/index.ts';
import { EN } from '../../reports/messages/en.ts';
import { ZH_CN } from '../../reports/messages/zh-CN.ts';
import { gongshu } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { buildFixture } from '../quality/fixture.ts';
import { cid, fixtureModel, syntheticModel, uscc } from './fixture.ts';

describe('writeDashboard', () => {
  it('writes the site, replaces an earlier one, and refuses a folder that is not a report', async () => {
    const dir = tempDir();
    const wh = await buildFixture();
    try {
      const report = await runQuality(wh, { asOf: '2026-11-29', now: new Date('2026-11-29T10:00:00Z') });
      const out = join(dir, 'out', 'report');
      const first = await writeDashboard({
        report,
        warehouse: wh,
        outDir: out,
        now: '2026-11-29T12:00:00.000Z',
      });
      expect(first.index).toBe(join(out, 'index.html'));
      expect(readdirSync(out).sort()).toEqual(
        [
          'catalog.html',
          'dataset-people.html',
          'dataset-registry.html',
          'datasets.html',
          'evaluation.html',
          'foundations.html',
          'hierarchy.html',
          'index.html',
          'open-data.html',
          'report.json',
          'report.md',
          'rules.csv',
          'sharing.html',
        ].sort(),
      );
      expect(first.pages).toBe(10);
      writeFileSync(join(out, 'stale.html'), 'old');
      await writeDashboard({ report, warehouse: wh, outDir: out, lang: 'en' });
      expect(existsSync(join(out, 'stale.html'))).toBe(false); // replaced as a whole
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<html lang="en">');
      expect(readdirSync(join(dir, 'out'))).toEqual(['report']); // no temporary folders left

      const foreign = join(dir, 'src');
      mkdirSync(foreign);
      writeFileSync(join(foreign, 'main.ts'), '');
      await expect(writeDashboard({ report, warehouse: wh, outDir: foreign })).rejects.toThrow(
        /exists and is not a gongshu report.*Fix: choose an empty or new folder/,
      );
      expect(readdirSync(foreign)).toEqual(['main.ts']);
    } finally {
      wh.close();
    }
  });
});

describe('gongshu report', () => {
  it('renders the newest report of a warehouse into --out, in English with --lang en', async () => {
    const dir = tempDir();
    const path = join(dir, 'warehouse.duckdb');
    const wh = await buildFixture(path);
    const report = await runQuality(wh, { asOf: '2026-11-29' });
    wh.close();
    const file = writeReportFile(join(dir, 'reports', `quality-${report.runId}.json`), report);
    const out = join(dir, 'site');
    const r = gongshu([
      'report',
      '--report',
      file,
      '--warehouse',
      path,
      '--out',
      out,
      '--lang',
      'en',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.lines.at(-1)!);
    expect(summary).toMatchObject({ index: join(out, 'index.html'), pages: 10, files: 13 });
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('Data quality report');
    expect(readFileSync(join(out, 'catalog.html'), 'utf8')).toContain('测试人口');
  });

  it('says how to fix a missing report', () => {
    const dir = tempDir();
    const r = gongshu(['report', '--project', dir, '--warehouse', join(dir, 'none.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no quality report .*Fix: run gongshu quality/);
  });
});

describe('formatting', () => {
  const zh = texts('zh-CN');
  const en = texts('en');
  it('formats numbers, rates and dates for the locale, in Asia/Shanghai', () => {
    expect(zh.int(1234567)).toBe('1,234,567');
    expect(zh.score(99.5)).toBe('99.50');
    expect(zh.score(null)).toBe('—');
    expect(en.pct(0.98491)).toBe('98.49%');
    expect(en.pct(0.999999)).toBe('> 99.99%'); // never rounds a failing rate up to 100%
    expect(en.pct(1)).toBe('100.00%');
    expect(zh.dateTime('2026-11-29T16:30:00Z')).toBe('2026/11/30 00:30');
    expect(en.dateTime('2026-11-29T16:30:00Z')).toBe('30/11/2026, 00:30');
    expect(zh.date('2026-11-29')).toBe('2026年11月29日');
    expect(en.date('2026-11-29')).toBe('29 November 2026');
    expect(zh.date('2026-11-29T16:30:00Z')).toBe('2026年11月30日');
  });

  it('translates every label it uses', () => {
    const files = renderSite(fixtureModel({ configured: true }), { lang: 'zh-CN' });
    for (const [name, html] of files) {
      if (!name.endsWith('.html')) continue;
      // Enum values never leak raw into visible cells of the Chinese pages.
      expect(html, name).not.toMatch(
        />(completeness|conditional|unconditional|daily|important|key:checksum|pass|fail|added)</,
      );
    }
    expect(renderSite(fixtureModel(), { lang: 'en' }).get('index.html')).not.toMatch(
      /[\u4e00-\u9fff]{2,}<\/(th|h2)>/,
    );
  });

  it('shows no English rule text, finding or observed value on the Chinese pages', () => {
    const model = fixtureModel({ configured: true });
    const files = renderSite(model, { lang: 'zh-CN' });
    const html = [...files].filter(([n]) => n.endsWith('.html')).map(([, h]) => h);
    const all = html.join('\n');
    const escaped = (s: string) =>
      s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');
    for (const d of model.quality.datasets) {
      for (const r of d.rules) {
        if (r.descriptions.en !== r.descriptions.zh) {
          expect(all, r.id).not.toContain(escaped(r.descriptions.en));
          expect(files.get(`dataset-${d.dataset}.html`), r.id).toContain(escaped(r.descriptions.zh));
        }
        if (r.observed && r.observedTexts) expect(all).not.toContain(escaped(r.observed));
      }
    }
    for (const f of model.quality.findings) {
      expect(all).not.toContain(escaped(f.message));
      expect(files.get('index.html')).toContain(escaped(f.messages.zh));
    }
    // The formula is explained in Chinese, not shown as the report's English text.
    expect(all).not.toContain(escaped(model.quality.formula.dataset));
  });

  it('has a Chinese text for every key of the English catalog, and no English word in it', () => {
    const words = (s: string) =>
      s
        .replace(/\{\w+\}/g, ' ')
        .replace(/GB\/T 36344|A\/B|min\(|gongshu quality/g, ' ')
        .match(/[A-Za-z]{2,}/g) ?? [];
    for (const [section, entries] of Object.entries(ZH_CN)) {
      expect(Object.keys(entries).sort()).toEqual(Object.keys(EN[section as keyof typeof EN]).sort());
      for (const [key, text] of Object.entries(entries as Record<string, string>)) {
        expect({ section, key, english: words(text) }).toEqual({ section, key, english: [] });
      }
    }
  });
});

describe('masking and files', () => {
  it('masks valid identity numbers anywhere in text and leaves the rest alone', () => {
    const id = cid('65010219900307123');
    const badCheck = `${id.slice(0, 17)}${id[17] === '1' ? '2' : '1'}`;
    expect(scrubText(`where id = '${id}' or x = ${badCheck}`)).toBe(
      `where id = '${id.slice(0, 6)}********${id.slice(14)}' or x = ${badCheck}`,
    );
    expect(scrubText(`card 6222${id}`)).toBe(`card 6222${id}`); // part of a longer number: not an ID
    expect(scrubText(`0.${id}`)).toBe(`0.${id}`); // the fraction of a decimal number
    expect(scrubText(`号码.${id}`)).not.toContain(id);
    expect(findCitizenIds(`a ${id} b`)).toEqual([id]);
    // A department's all-digit USCC is not masked (no birth date in positions 7–14).
    const code = '116500000101000565';
    expect(scrubText(code)).toBe(code);
    expect(uscc('11650000010100056')).toBe(code);
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    const model = fixtureModel();
    model.quality.datasets[0]!.rules[0]!.description = '=HYPERLINK("http://x") , "quoted"';
    const csv = renderRulesCsv(model);
    expect(csv.startsWith('\uFEFFdataset,title,department,rule_id')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"") , ""quoted"""`);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + 13);
  });

  it('orders datasets needing attention and departments in one order: worst score first, no score first', () => {
    const model = fixtureModel();
    const scores = Object.fromEntries(model.quality.datasets.map((d) => [d.dataset, d.score]));
    expect(scores.street_lights).toBeNull();
    // enterprises: an error-severity freshness rule failed outright (−50) besides 0.6% keys missing
    expect(scores.enterprises!).toBeLessThan(scores.hukou!);
    expect(attentionOrder(model).map((d) => d.dataset)).toEqual(['street_lights', 'enterprises', 'hukou']);
    const ranking = departmentRanking(model).map((d) => d.datasets[0]);
    expect(ranking).toEqual(['enterprises', 'hukou']);
  });

  it('gives safe, distinct file names', () => {
    expect(slug('hukou')).toBe('hukou');
    expect(slug('户籍/../x')).toMatch(/^-x-[0-9a-f]{8}$/);
    expect(slug('A')).not.toBe(slug('a'));
    expect(datasetHref('hukou', 2)).toBe('dataset-hukou-p2.html');
  });

  it('splits 5,000 rules over 200 datasets into pages of at most 100 rules', () => {
    const files = renderSite(syntheticModel({ datasets: 200, rules: 5_000, extraOnFirst: 250 }), {
      lang: 'zh-CN',
    });
    const html = [...files.keys()].filter((f) => f.endsWith('.html'));
    // 200 datasets (the first over 3 pages), 2 list pages, overview, foundations, hierarchy, catalog, sharing,
    // open data, evaluation.
    expect(html).toHaveLength(200 + 2 + 2 + 7);
    const rows = (f: string) => {
      const html = files.get(f)!;
      const section = html.slice(
        html.indexOf('<section id="rules">'),
        html.indexOf('</section>', html.indexOf('<section id="rules">')),
      );
      return (section.match(/<tr><td/g) ?? []).length;
    };
    expect(rows('dataset-ds_0000.html')).toBe(100);
    expect(rows('dataset-ds_0000-p3.html')).toBe(75);
    expect(
      renderRulesCsv(syntheticModel({ datasets: 200, rules: 5_000 }))
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(5_001);
  });
});
