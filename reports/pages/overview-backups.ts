/** The backup section of the overview page: per destination, the newest backup and the newest verified one. */
import { esc, table } from '../html.ts';
import type { BackupsSection } from '../model.ts';
import type { PageContext } from './context.ts';

/** The backup status: per destination, the newest backup and the newest verified one, overdue flagged. */
export function backupsSection(ctx: PageContext, b: BackupsSection): string {
  const { t } = ctx;
  if (b.status === 'not-configured') {
    return `<section id="backups"><h2>${esc(t.t('backups'))}</h2><p class="muted">${esc(t.t('backupsNotConfigured'))}</p></section>\n`;
  }
  const rows = table(
    b.data.destinations,
    [
      { head: t.t('backupDestination'), cell: (d) => `<code>${esc(d.name)}</code>` },
      { head: t.t('backupSite'), cell: (d) => esc(t.t(d.offsite ? 'backupOffsite' : 'backupLocal')) },
      { head: t.t('lastBackup'), cell: (d) => esc(t.dateTime(d.lastBackupAt)) },
      { head: t.t('lastVerifiedBackup'), cell: (d) => esc(t.dateTime(d.lastVerifiedAt)) },
      { head: t.t('verifiedAt'), cell: (d) => esc(t.dateTime(d.verifiedAt)) },
      { head: t.t('maxAgeHours'), num: true, cell: (d) => esc(t.int(d.maxAgeHours)) },
      {
        head: t.t('status'),
        cell: (d) =>
          d.overdue
            ? `<span class="badge fail">${esc(t.t('backupOverdue'))}</span>`
            : `<span class="badge pass">${esc(t.t('backupOk'))}</span>`,
      },
    ],
    t.t('none'),
  );
  return `<section id="backups"><h2>${esc(t.t('backups'))}</h2>${rows}<p class="muted">${esc(t.t('backupsNote'))}</p></section>\n`;
}
