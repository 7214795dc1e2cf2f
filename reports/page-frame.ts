/**
 * The page frame: inline CSS with system CJK fonts, the navigation, header and footer. No scripts, no external
 * resources: every page works from `file://` with the network off.
 */
import { esc } from './html.ts';
import type { Texts } from './i18n/texts.ts';

/** The font stack: a CJK font the system has (Debian fonts-wqy-microhei, Noto CJK), then the defaults. */
export const FONT_STACK =
  '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:${FONT_STACK};font-size:14px;line-height:1.5;color:#1f2933;background:#f5f7fa}
header{background:#0b4f8a;color:#fff;padding:12px 24px}
header .site{font-size:13px;opacity:.85}
header h1{margin:2px 0 0;font-size:22px;font-weight:600}
nav{background:#fff;border-bottom:1px solid #d9e2ec;padding:0 24px;display:flex;gap:4px;flex-wrap:wrap}
nav a{display:inline-block;padding:10px 12px;color:#334e68;text-decoration:none;border-bottom:3px solid transparent}
nav a[aria-current=page]{border-bottom-color:#0b4f8a;color:#0b4f8a;font-weight:600}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:15px;margin:14px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 16px}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:10px 16px;min-width:150px}
.card .n{font-size:24px;font-weight:600}
.card .l{font-size:12px;color:#627d98}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr));gap:16px}
.grid>section{margin:0;min-width:0}
section{min-width:0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:16em}
.tw{overflow-x:auto}
th{background:#f0f4f8;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pass{color:#1e7b34}.fail{color:#b42318}.error{color:#b54708}.na{color:#7b8794}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;border:1px solid currentColor}
.muted{color:#7b8794}
.answers{margin:0;padding-left:20px}
.answers li{margin:4px 0}
.note{background:#fffbea;border:1px solid #f0b429;border-radius:4px;padding:8px 12px}
code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
pre{background:#f0f4f8;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:4px 0}
details{margin:6px 0}
summary{cursor:pointer}
.pager{display:flex;gap:12px;align-items:center;margin:8px 0}
.chart{overflow-x:auto}
.chart svg{max-width:100%;height:auto}
.chart .narrow{display:none}
footer{padding:12px 24px 24px;color:#7b8794;font-size:12px}
@media (max-width:600px){
header,nav{padding-left:12px;padding-right:12px}
main{padding:12px}
footer{padding:12px}
section{padding:10px 12px}
header h1{font-size:19px}
.card{min-width:0;flex:1 1 140px;padding:8px 12px}
.card .n{font-size:20px}
.chart .wide{display:none}
.chart .narrow{display:block}
}
`;

/** A navigation entry: the file and its label. */
export interface NavItem {
  readonly href: string;
  readonly label: string;
}

/** The navigation of every page. */
export function navItems(t: Texts): NavItem[] {
  return [
    { href: 'index.html', label: t.t('overview') },
    { href: 'datasets.html', label: t.t('datasets') },
    { href: 'foundations.html', label: t.t('foundations') },
    { href: 'hierarchy.html', label: t.t('hierarchy') },
    { href: 'catalog.html', label: t.t('catalog') },
    { href: 'sharing.html', label: t.t('sharing') },
    { href: 'open-data.html', label: t.t('openData') },
    { href: 'evaluation.html', label: t.t('evaluation') },
  ];
}

/** A whole page: doctype, inline CSS, header, navigation, the body and the footer. */
export function page(options: {
  t: Texts;
  title: string;
  site: string;
  current: string;
  body: string;
  footer: string;
}): string {
  const { t } = options;
  const nav = navItems(t)
    .map(
      (n) =>
        `<a href="${esc(n.href)}"${n.href === options.current ? ' aria-current="page"' : ''}>${esc(n.label)}</a>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(options.title)} · ${esc(options.site)}</title>
<style>${CSS}</style>
</head>
<body>
<header><div class="site">${esc(options.site)}</div><h1 id="title">${esc(options.title)}</h1></header>
<nav>${nav}</nav>
<main>
${options.body}
</main>
<footer>${options.footer}</footer>
</body>
</html>
`;
}
