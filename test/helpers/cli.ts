import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by absolute URL, so the CLI also starts from a folder outside the repository. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** How npm says it started a process: cleared, so hints read `gongshu …` however the tests were started. */
const NPM_VARIABLES = { npm_command: undefined, npm_lifecycle_event: undefined, npm_package_name: undefined };

/**
 * Runs the real `gongshu` CLI and returns its exit code and output: the installed entry `bin/gongshu.js`, which
 * runs the compiled dist/ (rebuilt from the sources before the run by test/setup/build.ts; it starts several
 * times faster than the sources through tsx). `source` runs cli/main.ts through tsx instead, as
 * `npm run -s gongshu` does. `env` adds to (or, with `undefined` values, removes from) the environment.
 */
export function gongshu(
  args: string[],
  options: {
    input?: string;
    cwd?: string;
    env?: Record<string, string | undefined>;
    bin?: boolean;
    source?: boolean;
  } = {},
) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    GONGSHU_LOG_JSON: '1',
    ...NPM_VARIABLES,
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const entry = options.source ? ['--import', TSX, `${ROOT}cli/main.ts`] : [`${ROOT}bin/gongshu.js`];
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean) };
}

/** The repository root (absolute, with a trailing slash). */
export const REPO_ROOT = ROOT;
