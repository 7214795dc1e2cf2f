import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { sweepStaleTemp } from '../stale-temp.ts';

type Callback = (
  error: Error | null,
  path?: string,
  fd?: number,
  remove?: (next?: () => void) => void,
) => void;
type TmpFile = ((...args: unknown[]) => void) & { gongshuTracked?: true };

/** The names of parked sheets' files: `gongshu-xlsx-<pid>-<random>-sheet.xml` (tmp's own pattern). */
const PARKED_PREFIX = 'gongshu-xlsx';
const PARKED_NAME = new RegExp(`^${PARKED_PREFIX}-(\\d+)-[^-]+-sheet\\.xml$`);

/** The remove callbacks of the temporary files parked by the read running in this async context. */
const parked = new AsyncLocalStorage<Set<(next?: () => void) => void>>();

/**
 * exceljs' WorkbookReader parks a sheet that comes before the shared strings (or, with `readSheet`'s hook, before
 * xl/workbook.xml) in a temporary file (`tmp.file`, in the OS temp folder) and removes it only once its rows
 * have been read and the reader is asked for the next sheet. A read that stops at the sheet it wants (every
 * read: `openSheet` returns the sheet) or passes over parked sheets never gets there, so each such file stayed
 * until the process exited: a workbook written by exceljs itself parks every sheet, and a test suite left 1,233
 * files (1.4 GB) in /tmp in a day; under `gongshu serve` a scheduled Excel ingest would leak its sheet's size on
 * every run. `tmp.file` is wrapped once, on the `tmp` exceljs loads, to hand each file's remove callback to the
 * read that parked it (found by its async context), and `withParkedSheets` removes them when the read closes.
 * A read killed before it closes (kill -9) leaves its files: they carry gongshu's name and the pid, and the next
 * Excel read deletes those of processes that are gone.
 */
function trackTmpFiles(): void {
  const tmp = createRequire(createRequire(import.meta.url).resolve('exceljs'))('tmp') as { file: TmpFile };
  if (tmp.file.gongshuTracked) return;
  const file = tmp.file;
  tmp.file = Object.assign(
    (...args: unknown[]) => {
      const files = parked.getStore();
      const callback = args.at(-1);
      if (!files || typeof callback !== 'function') return file(...args);
      const track: Callback = (error, path, fd, remove) => {
        if (!error && remove) files.add(remove);
        (callback as Callback)(error, path, fd, remove);
      };
      // exceljs passes no options: the file gets a name of ours (`gongshu-xlsx-<pid>-<random>-sheet.xml`), so
      // that one left by a killed read is found and deleted by a later one (`sweepStaleTemp`).
      return file({ prefix: PARKED_PREFIX, postfix: 'sheet.xml' }, track);
    },
    { gongshuTracked: true as const },
  );
}

/**
 * Runs `read` (a workbook read through exceljs) so that the temporary files it parks sheets in are known, and
 * gives it `release`, which removes them (closing their descriptors); `release` is safe to call more than once,
 * and a file exceljs has already removed is not removed twice (tmp's callbacks run once).
 */
export async function withParkedSheets<T>(read: (release: () => void) => Promise<T>): Promise<T> {
  trackTmpFiles();
  await sweepStaleTemp(PARKED_NAME);
  const files = new Set<(next?: () => void) => void>();
  const release = () => {
    for (const remove of files) remove(() => undefined);
    files.clear();
  };
  return await parked.run(files, () => read(release));
}
