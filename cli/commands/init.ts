import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PACKAGE_ROOT, scaffoldProject } from '../../project/index.ts';
import { EXIT } from '../errors.ts';
import { processOutput } from '../output.ts';

/**
 * The gongshu dependency of a new project: the published version when this CLI was installed from a registry
 * (it runs from a `node_modules/gongshu` folder), else a `file:` path to this package (a checkout or a tarball
 * unpacked somewhere).
 */
export function gongshuDependency(root = PACKAGE_ROOT): string {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
  return /[\\/]node_modules[\\/]gongshu$/.test(root) ? `^${pkg.version}` : `file:${root}`;
}

/** `gongshu init DIR`: writes a working project; refuses a non-empty DIR. */
export default async function init(args: unknown[], command: Command): Promise<number> {
  const [dir] = args as [string];
  const o = command.opts<{
    node?: string;
    level?: 'county' | 'prefecture' | 'region';
    name?: string;
    json?: boolean;
  }>();
  const out = processOutput();
  const r = scaffoldProject(dir, {
    node: o.node,
    level: o.level,
    name: o.name,
    gongshu: gongshuDependency(),
  });
  if (o.json) out.json({ dir: r.dir, files: r.files, node: r.spec.node, gongshu: r.spec.gongshu });
  else {
    out.data(r.dir);
    out.note(
      `init: ${r.spec.node.name} (${r.spec.node.id}, ${r.spec.node.level}) in ${r.dir}: ${r.files.join(', ')}\n` +
        `next: cd ${dir} && npm install && npx gongshu run && npx gongshu quality && npx gongshu build && npx gongshu report`,
    );
  }
  return EXIT.ok;
}
