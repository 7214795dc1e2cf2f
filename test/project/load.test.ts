import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../project/index.ts';
import { DefinitionError } from '../../schemas/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const HEAD = `import { defineProject } from '${REPO_ROOT}project/index.ts';\n`;
const BODY =
  "export default defineProject({ name: 'x', node: { id: '650000', level: 'region', name: '新疆' } });\n";

describe('a project file that does not load', () => {
  it.each([
    [
      'a syntax error',
      `${HEAD}export default defineProject({ name: 'x',, });\n`,
      /gongshu\.config\.ts:2:\d+: syntax error: .+\. Fix: correct the code there/,
    ],
    [
      'a relative import that does not resolve',
      `${HEAD}import { hukou } from './pipelines/hukou.ts';\nconsole.log(hukou);\n${BODY}`,
      /gongshu\.config\.ts:2: import "\.\/pipelines\/hukou\.ts" does not resolve\. Fix: check the path/,
    ],
    [
      'a package that is not installed',
      `${HEAD}import x from 'gongshu-no-such-package';\nconsole.log(x);\n${BODY}`,
      /gongshu\.config\.ts:2: import "gongshu-no-such-package" does not resolve\. Fix: install the package \(npm install gongshu-no-such-package\)/,
    ],
    [
      'an error thrown while it runs',
      `${HEAD}const n = (undefined as unknown as { a: number }).a;\n${BODY}`,
      /gongshu\.config\.ts:2: TypeError while loading the project: .+\. Fix: correct the code there/,
    ],
  ])('is a definition error naming file:line for %s', async (_what, text, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'gongshu.config.ts'), text);
    const error = await loadProject(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as Error).message).toMatch(message);
  });

  it('exits 2 from the CLI, not 70', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'gongshu.config.ts'), `${HEAD}export default defineProject({ name: 'x',, });\n`);
    const r = gongshu(['run', '--project', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syntax error/);
    expect(r.stderr).not.toContain('This is a bug in gongshu');
  });
});
