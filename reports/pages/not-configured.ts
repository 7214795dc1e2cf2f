/** "Not configured": what a page shows until its layer (foundations, hierarchy) runs on this node. */
import { esc } from '../html.ts';
import type { PageContext } from './context.ts';

/** The section a page shows while its layer is not configured on this node. */
export function notConfigured(ctx: PageContext, message: string, note: string | null): string {
  return `<section id="not-configured"><h2>${esc(ctx.t.t('notConfigured'))}</h2><p>${esc(message)}</p>${
    note ? `<p class="muted"><code>${esc(note)}</code></p>` : ''
  }</section>`;
}
