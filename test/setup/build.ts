/**
 * vitest globalSetup: the tests spawn the compiled CLI (bin/gongshu.js → dist/, what the installed command runs,
 * and the fastest to start), so dist/ is rebuilt from the sources before the run when any source is newer.
 * Declarations (dist/types, for the README snippets) come from `npm run build`, which `npm test` runs first.
 */
import { buildJs, isStale } from '../../scripts/build-js.ts';

export default async function setup(): Promise<void> {
  if (isStale()) await buildJs();
}
