/** HTML building blocks: escaping, tables, pagers, status badges and cards (the page frame is page-frame.ts). */
import type { Texts } from './i18n/texts.ts';

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A table column: header, cell renderer, and whether it is numeric (right-aligned). */
export interface Column<T> {
  readonly head: string;
  readonly cell: (row: T) => string;
  readonly num?: boolean;
  /** Long text that may wrap (cells do not wrap by default). */
  readonly wrap?: boolean;
}

/** A table of rows; cells are HTML (escape text with `esc`). */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty = ''): string {
  if (rows.length === 0) return empty ? `<p class="muted">${esc(empty)}</p>` : '';
  const head = columns.map((c) => `<th${c.num ? ' class="num"' : ''}>${esc(c.head)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${columns.map((c) => `<td${c.num ? ' class="num"' : c.wrap ? ' class="wrap"' : ''}>${c.cell(r)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="tw"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A pager between numbered pages `hrefOf(1..pages)`. */
export function pager(t: Texts, current: number, pages: number, hrefOf: (n: number) => string): string {
  if (pages <= 1) return '';
  const links: string[] = [];
  if (current > 1) links.push(`<a href="${esc(hrefOf(current - 1))}" rel="prev">${esc(t.t('previous'))}</a>`);
  for (let n = 1; n <= pages; n++) {
    links.push(n === current ? `<strong>${n}</strong>` : `<a href="${esc(hrefOf(n))}">${n}</a>`);
  }
  if (current < pages) links.push(`<a href="${esc(hrefOf(current + 1))}" rel="next">${esc(t.t('next'))}</a>`);
  return `<div class="pager">${esc(t.t('page'))}: ${links.join(' ')}</div>`;
}

/** A status badge (pass/fail/error/not-applicable) with its translated word. */
export function statusBadge(t: Texts, status: string): string {
  const cls = status === 'pass' ? 'pass' : status === 'fail' ? 'fail' : status === 'error' ? 'error' : 'na';
  return `<span class="badge ${cls}">${esc(t.word(status))}</span>`;
}

/** A summary card: a big number and its label. */
export function card(value: string, label: string, cls = ''): string {
  return `<div class="card"><div class="n${cls ? ` ${cls}` : ''}">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
}
