/**
 * The dashboard in a real headless Chromium (playwright-core + Debian chromium + a CJK font): every page opened
 * from file:// with every non-file request routed to fail; asserts no console errors, no network requests,
 * charts present, links between pages resolve (and navigating works), Chinese glyphs render (a screenshot of the
 * heading has ink, and changes when the text changes — tofu boxes would not), and no unmasked identity number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardModel, renderSite } from '../../reports/index.ts';
import { writeSiteAtomically } from '../../reports/write.ts';
import { citizenIdCheckChar, usccCheckChar } from '../../schemas/checksums.ts';
import { tempDir } from '../helpers/tmp.ts';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './chromium.ts';
import { fixtureModel, syntheticModel } from './fixture.ts';

const missing = ensureChromium();
if (missing) {
  const notice = `\n*** browser tests of the dashboard: ${missing} ***\n`;
  if (process.env.CI === 'true') throw new Error(`CI=true and the browser is missing: ${missing}`);
  process.stderr.write(`${notice}*** SKIPPED (set CI=true to make this a failure) ***\n`);
}

/**
 * The test's own detector, independent of reports/scrub.ts: 17 digits and a digit or X, not inside a longer
 * alphanumeric run, with a valid GB 11643 check character — except an all-digit USCC (valid GB 32100 check)
 * whose positions 7–14 cannot be a date (a department's public code).
 */
function unmaskedIds(text: string): string[] {
  return [...text.matchAll(/(?<![0-9A-Za-z]|[0-9]\.)[0-9]{17}[0-9X](?![0-9A-Za-z])/g)]
    .map((m) => m[0])
    .filter((id) => citizenIdCheckChar(id.slice(0, 17)) === id[17])
    .filter((id) => {
      const [y, mo, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
      const dateOk = y >= 1800 && y <= 2199 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
      return dateOk || usccCheckChar(id.slice(0, 17)) !== id[17];
    });
}

interface Visit {
  consoleErrors: string[];
  svgs: number;
  hrefs: string[];
  html: string;
}

describe.skipIf(missing !== null)('dashboard in headless Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  const attempted: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    // Every request that is not a local file fails, and is remembered.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      attempted.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('request', (r) => {
      if (!r.url().startsWith('file:') && !attempted.includes(r.url())) attempted.push(r.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function visit(page: Page, file: string): Promise<Visit> {
    const consoleErrors: string[] = [];
    const onConsole = (m: { type(): string; text(): string }) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    };
    const onError = (e: Error) => consoleErrors.push(e.message);
    page.on('console', onConsole);
    page.on('pageerror', onError);
    const response = await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(response?.ok() ?? true, file).toBe(true);
    const svgs = await page.locator('svg').count();
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    const html = await page.content();
    page.off('console', onConsole);
    page.off('pageerror', onError);
    return { consoleErrors, svgs, hrefs, html };
  }

  /** Opens every page of a site and checks it; returns the visits by file name. */
  async function checkSite(dir: string): Promise<Map<string, Visit>> {
    const files = readdirSync(dir);
    const html = files.filter((f) => f.endsWith('.html'));
    const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const page = await context.newPage();
    const visits = new Map<string, Visit>();
    for (const f of html) {
      const v = await visit(page, join(dir, f));
      visits.set(f, v);
      expect(v.consoleErrors, `${f}: console errors`).toEqual([]);
      expect(unmaskedIds(v.html), `${f}: unmasked identity numbers in the page`).toEqual([]);
      for (const href of v.hrefs) {
        expect(href, `${f}: external link`).not.toMatch(/^[a-z]+:/i);
        const [target, anchor] = href.split('#') as [string, string | undefined];
        const targetFile = target === '' ? f : target;
        expect(texts.has(targetFile), `${f}: link to ${href} (no such file)`).toBe(true);
        if (anchor) {
          expect(texts.get(targetFile), `${f}: link to ${href} (no such anchor)`).toContain(`id="${anchor}"`);
        }
      }
    }
    for (const [f, text] of texts) expect(unmaskedIds(text), `${f}: unmasked identity numbers`).toEqual([]);
    await page.close();
    expect(attempted, 'network requests were attempted').toEqual([]);
    return visits;
  }

  function site(model: DashboardModel, lang: 'zh-CN' | 'en'): string {
    const dir = join(tempDir('gongshu-report-'), 'report');
    writeSiteAtomically(dir, renderSite(model, { lang }));
    return dir;
  }

  it('opens every page of the Chinese dashboard without errors, requests or identity numbers', async () => {
    const dir = site(fixtureModel({ configured: true }), 'zh-CN');
    const visits = await checkSite(dir);
    expect(visits.size).toBe(11);
    // Charts: the radar and the trend on the overview, bars and a trend on each dataset page, sparklines.
    expect(visits.get('index.html')!.svgs).toBeGreaterThanOrEqual(3);
    expect(visits.get('dataset-hukou.html')!.svgs).toBeGreaterThanOrEqual(4);
    expect(visits.get('index.html')!.html).toContain('数据质量报告');
    // Chart labels use the CJK font too (a broken style attribute would silently fall back).
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    // Browser code as text: the project compiles without the DOM library.
    const families = (await page.evaluate(
      "[...document.querySelectorAll('.chart svg text')].map((t) => getComputedStyle(t).fontFamily)",
    )) as string[];
    await page.close();
    expect(families.length).toBeGreaterThan(5);
    for (const f of families) expect(f).toContain('WenQuanYi Micro Hei');
    expect(visits.get('foundations.html')!.html).toContain('marital_status');
  });

  it('opens every page of the English dashboard (sections not configured)', async () => {
    const dir = site(fixtureModel(), 'en');
    const visits = await checkSite(dir);
    expect(visits.get('index.html')!.html).toContain('Quality dimensions');
    expect(visits.get('foundations.html')!.html).toContain('Not configured');
    expect(visits.get('hierarchy.html')!.html).toContain('Not configured');
  });

  it('opens every page of a paged dashboard (101 datasets, one dataset over three pages)', async () => {
    const dir = site(syntheticModel({ datasets: 101, rules: 303, extraOnFirst: 220 }), 'zh-CN');
    const visits = await checkSite(dir);
    expect([...visits.keys()]).toEqual(
      expect.arrayContaining([
        'datasets.html',
        'datasets-p2.html',
        'dataset-ds_0000-p2.html',
        'dataset-ds_0000-p3.html',
      ]),
    );
    expect(visits.get('dataset-ds_0000-p3.html')!.hrefs).toContain('dataset-ds_0000-p2.html');
  }, 180_000);

  it('navigates between pages by clicking links', async () => {
    const dir = site(fixtureModel(), 'zh-CN');
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.click('nav a[href="datasets.html"]');
    await page.waitForURL(/datasets\.html$/);
    expect(await page.textContent('h1')).toContain('数据集');
    await page.click('a[href="dataset-hukou.html"]');
    await page.waitForURL(/dataset-hukou\.html$/);
    expect(await page.textContent('h1')).toContain('户籍人口登记信息');
    // A failing rule links to its details (samples and SQL) on the same page.
    await page.click('a[href="#rule-key-valid"]');
    expect(page.url()).toMatch(/#rule-key-valid$/);
    expect(await page.locator('#rule-key-valid pre').count()).toBe(0); // key-valid has no SQL in the fixture
    await page.click('nav a[href="catalog.html"]');
    await page.waitForURL(/catalog\.html$/);
    expect(await page.textContent('#problems')).toContain('逾期未更新');
    await page.close();
    expect(attempted).toEqual([]);
  });

  it('fits a phone (390 px) and a desktop (1440 px): no page overflow, tables scroll in their card, text ≥ 11 px', async () => {
    const dirs = {
      'zh-CN': site(fixtureModel({ configured: true }), 'zh-CN'),
      en: site(fixtureModel(), 'en'),
    };
    const shots = tempDir('gongshu-shots-');
    let scrolling = 0;
    for (const width of [390, 1440]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
      await ctx.route('**/*', (route) =>
        route.request().url().startsWith('file:') ? route.continue() : route.abort('blockedbyclient'),
      );
      const page = await ctx.newPage();
      for (const [lang, dir] of Object.entries(dirs)) {
        for (const f of readdirSync(dir).filter((x) => x.endsWith('.html'))) {
          await page.goto(pathToFileURL(join(dir, f)).href);
          // Browser code as text: the project compiles without the DOM library.
          const m = (await page.evaluate(`(() => {
            const doc = document.documentElement;
            let minFont = 99;
            let smallest = '';
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (!n.textContent.trim()) continue;
              const el = n.parentElement;
              if (el.getClientRects().length === 0) continue;
              let size = parseFloat(getComputedStyle(el).fontSize);
              if (el.closest('svg')) {
                const ctm = el.getScreenCTM();
                if (ctm) size *= Math.hypot(ctm.a, ctm.b);
              }
              if (size < minFont) { minFont = size; smallest = n.textContent.trim().slice(0, 20); }
            }
            const outside = [];
            for (const el of document.querySelectorAll('.tw, .chart, pre')) {
              if (el.getClientRects().length === 0) continue;
              const card = el.closest('section') ?? document.body;
              const r = el.getBoundingClientRect();
              if (r.right > card.getBoundingClientRect().right + 1) outside.push(el.className || el.tagName);
            }
            for (const svg of document.querySelectorAll('.chart svg')) {
              if (svg.getClientRects().length === 0) continue;
              const card = svg.closest('section');
              if (svg.getBoundingClientRect().right > card.getBoundingClientRect().right + 1) outside.push('svg');
            }
            const scrolling = [...document.querySelectorAll('.tw')].filter((t) => t.scrollWidth > t.clientWidth + 1).length;
            return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, minFont, smallest, outside, scrolling };
          })()`)) as {
            scrollWidth: number;
            clientWidth: number;
            minFont: number;
            smallest: string;
            outside: string[];
            scrolling: number;
          };
          const where = `${lang}/${f} at ${width} px`;
          expect({ where, pageWidth: m.scrollWidth }).toEqual({ where, pageWidth: m.clientWidth });
          expect({ where, outside: m.outside }).toEqual({ where, outside: [] });
          expect(m.minFont, `${where}: "${m.smallest}" is under 11 px`).toBeGreaterThanOrEqual(11);
          if (width === 390) scrolling += m.scrolling;
          if (f === 'index.html' || f === 'dataset-hukou.html') {
            const png = await page.screenshot({
              path: join(shots, `${lang}-${f}-${width}.png`),
              fullPage: true,
            });
            // PNG header: the image is exactly as wide as the viewport (nothing sticks out of the page).
            expect(png.readUInt32BE(16), where).toBe(width);
          }
        }
      }
      await ctx.close();
    }
    // On a phone the wide tables scroll inside their cards instead of widening the page.
    expect(scrolling).toBeGreaterThan(5);
  }, 240_000);

  it('renders Chinese glyphs with a real font (not blank, not boxes)', async () => {
    const dir = site(fixtureModel(), 'zh-CN');
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    const heading = page.locator('#title');
    const first = await heading.screenshot();
    // Same length, different characters: with a CJK font the pixels change; tofu boxes would look the same.
    await heading.evaluate((el) => {
      el.textContent = '户籍婚姻出生·新疆维吾尔自治区';
    });
    const second = await heading.screenshot();
    await heading.evaluate((el) => {
      el.textContent = '口口口口口口口口口口口口口口口';
    });
    const fontOk = await page.evaluate(`document.fonts.check('16px "WenQuanYi Micro Hei"')`);
    const stats = async (png: Buffer) => {
      const probe = await context.newPage();
      const result = (await probe.evaluate(`(async () => {
        const img = new Image();
        img.src = 'data:image/png;base64,${png.toString('base64')}';
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const counts = new Map();
        for (let i = 0; i < d.length; i += 4) {
          const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        const total = d.length / 4;
        const background = Math.max(...counts.values());
        return { ink: (total - background) / total, colors: counts.size };
      })()`)) as { ink: number; colors: number };
      await probe.close();
      return result;
    };
    const a = await stats(first);
    const b = await stats(second);
    await page.close();
    expect(fontOk).toBe(true);
    expect(a.ink, 'the heading is blank').toBeGreaterThan(0.03);
    expect(a.colors, 'the heading is uniform').toBeGreaterThan(8);
    expect(Buffer.compare(first, second), 'different characters render identically (boxes?)').not.toBe(0);
    expect(b.ink).toBeGreaterThan(0.03);
  });
});
