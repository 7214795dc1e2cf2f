import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PACKAGE_ROOT, scaffoldProject } from '../../project/index.ts';
import { EXIT } from '../errors.ts';
import { processOutput } from '../output.ts';

/**
 * The gongshu dependency of a new project. Run from a checkout or an unpacked folder: a `file:` path to this
 * package. Run from a project's `node_modules/gongshu`: what that project's package.json asked for, with a
 * `file:` path (a tarball from `npm pack`, a folder) made absolute so the new project installs it from anywhere;
 * `^<version>` when it came from a registry (a version range, or nothing to read).
 */
export function gongshuDependency(root = PACKAGE_ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  if (!/[\\/]node_modules[\\/]gongshu$/.test(root)) return `file:${root}`;
  const installer = dirname(dirname(root));
  let spec: string | undefined;
  try {
    const project = JSON.parse(readFileSync(join(installer, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    spec = project.dependencies?.gongshu ?? project.devDependencies?.gongshu;
  } catch {
    spec = undefined;
  }
  if (spec?.startsWith('file:')) return `file:${resolve(installer, spec.slice('file:'.length))}`;
  if (spec && !/^[\^~<>=\d*x|\s.-]+$/.test(spec) && spec !== 'latest') return spec;
  return `^${pkg.version}`;
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
