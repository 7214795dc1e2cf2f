#!/usr/bin/env node
// Entry for the installed `gongshu` command: the compiled CLI in dist/ (scripts/build-js.ts, run at `prepare`,
// so on npm ci, npm install of a checkout and npm pack). A project's gongshu.config.ts is still TypeScript: the
// CLI registers tsx only when it imports one (project/typescript.ts). In the repository, `npm run -s gongshu`
// runs the sources through tsx instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    `gongshu: ${main.pathname} is missing: the package is not built. Fix: npm run build in ${new URL('..', import.meta.url).pathname}\n`,
  );
  process.exit(2);
}
await import(main.href);
