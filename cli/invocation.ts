/** The npm scripts of this package that run the CLI (`npm run gongshu -- …`, `npm start`). */
const CLI_SCRIPTS = ['gongshu', 'start'];

/**
 * How the user started gongshu, as the prefix of a command line a hint can show: `npm run -s gongshu --`
 * inside the repository (through this package's `npm run gongshu` or `npm start`), `npx gongshu` through
 * `npx`/`npm exec`, otherwise `gongshu` (the installed command, `bin/gongshu.js`).
 *
 * @example `${invocation()} sql "SELECT 1"` // → 'npm run -s gongshu -- sql "SELECT 1"' inside the repository
 */
export function invocation(env: NodeJS.ProcessEnv = process.env): string {
  if (env.npm_command === 'exec') return 'npx gongshu';
  if (env.npm_package_name === 'gongshu' && CLI_SCRIPTS.includes(env.npm_lifecycle_event ?? ''))
    return 'npm run -s gongshu --';
  return 'gongshu';
}

/**
 * Rewrites `gongshu <command>` in a message of a lower layer (which cannot know how it was started) into the
 * way the user ran it, e.g. `gongshu keys init` → `npm run -s gongshu -- keys init`. Only names in `commands`
 * are rewritten, so paths such as `.gongshu/keys` and names such as `gongshu.runs` stay as they are.
 */
export function rewriteHints(
  text: string,
  commands: readonly string[],
  prefix: string = invocation(),
): string {
  if (prefix === 'gongshu' || commands.length === 0) return text;
  // Not after a prefix already rewritten (`npx gongshu run` stays as it is), nor inside a path or a name.
  const pattern = new RegExp(`(?<![\\w./-]|npx )gongshu (?=(?:${commands.join('|')})\\b)`, 'g');
  return text.replace(pattern, `${prefix} `);
}
