/**
 * The real browser of the dashboard tests (DESIGN.md, "Test services"): Debian's `chromium` and a CJK font
 * (`fonts-wqy-microhei`), installed with apt-get when missing and running as root; otherwise the tests are
 * skipped with a notice saying what to install — except under `CI=true`, where a missing browser fails them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags the tests launch Chromium with: headless, no sandbox (root in containers), nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Waits for the dpkg lock: another test file may be installing its own service (MariaDB) at the same time.
const INSTALL =
  'apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-wqy-microhei';

function hasCjkFont(): boolean {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** Finds Chromium and a CJK font, installing them when possible; returns what is missing, or null. */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM) && hasCjkFont()) return null;
  if (userInfo().uid === 0 && existsSync('/usr/bin/apt-get')) {
    const r = spawnSync('sh', ['-c', INSTALL], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 900_000,
    });
    if (r.status !== 0) {
      return `apt-get install chromium fonts-wqy-microhei failed: ${r.stderr.trim().slice(-300)}`;
    }
  }
  if (!existsSync(CHROMIUM)) return `Chromium is not installed (${CHROMIUM}). Install: sudo ${INSTALL}`;
  if (!hasCjkFont())
    return `no CJK font (fc-list :lang=zh is empty). Install: sudo apt-get install fonts-wqy-microhei`;
  return null;
}
