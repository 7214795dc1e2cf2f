// Lists every module a process loads, for the startup tests (test/cli/startup.test.ts) and bench/startup.ts:
// `node --import <this file> …` with GONGSHU_MODULE_TRACE=<file> appends one resolved URL per line (ESM imports,
// through a module hook) and, at exit, every CommonJS module in require's cache (requires inside CommonJS
// packages do not pass through the hooks).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.GONGSHU_MODULE_TRACE;
if (out) {
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      appendFileSync(${JSON.stringify(out)}, r.url + '\\n');
      return r;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const files = Object.keys(require.cache);
    if (files.length) appendFileSync(out, `${files.join('\n')}\n`);
  });
}
