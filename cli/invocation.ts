import { basename } from 'node:path';

/**
 * How the user started gongshu, as the prefix of a command line a hint can show: `npm run -s gongshu --`
 * inside the repository (an npm script of this package such as `npm run gongshu` or `npm start`, or
 * `cli/main.ts` run directly), `npx gongshu` through `npx`/`npm exec`, otherwise `gongshu` (the installed
 * command, `bin/gongshu.js`).
 *
 * @example `${invocation()} sql "SELECT 1"` // → 'npm run -s gongshu -- sql "SELECT 1"' inside the repository
 */
export function invocation(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): string {
  if (env.npm_command === 'exec') return 'npx gongshu';
  // npm sets these for every script it runs; inside this package any script means the repository checkout.
  if (env.npm_lifecycle_event && env.npm_package_name === 'gongshu') return 'npm run -s gongshu --';
  const script = basename(argv[1] ?? '');
  if (script === 'main.ts') return 'npm run -s gongshu --';
  return 'gongshu';
}

/**
 * Rewrites `gongshu <command>` in a message of a lower layer (which cannot know how it was started) into the
 * way the user ran it, e.g. `gongshu keys init` → `npm run -s gongshu -- keys init`. Only names in `commands`
 * are rewritten, so paths such as `.gongshu/keys` and tables such as `gongshu_runs` stay as they are.
 */
export function rewriteHints(
  text: string,
  commands: readonly string[],
  prefix: string = invocation(),
): string {
  if (prefix === 'gongshu' || commands.length === 0) return text;
  const pattern = new RegExp(`(?<![\\w./-])gongshu (?=(?:${commands.join('|')})\\b)`, 'g');
  return text.replace(pattern, `${prefix} `);
}
