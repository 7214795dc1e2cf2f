import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { initCertificate, initKeys, KEY_FILES, loadKeys, nodeContext } from '../../platform/index.ts';
import { PROJECT_FILE, projectAndWarehouse } from '../../project/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { processOutput } from '../output.ts';

interface KeysOptions {
  project: string;
  force?: boolean;
  tls?: boolean;
  host?: string[];
  json?: boolean;
}

/** The keys folder and node id: from the project when it has a config file, else `<dir>/.gongshu/keys`. */
async function keysDirOf(project: string): Promise<{ dir: string; node: string | null }> {
  const root = resolve(project);
  const hasConfig =
    statSync(root, { throwIfNoEntry: false })?.isFile() || existsSync(join(root, PROJECT_FILE));
  if (!hasConfig) return { dir: join(root, '.gongshu/keys'), node: null };
  const { loaded } = await projectAndWarehouse({ project });
  const node = nodeContext(loaded.project, loaded.dir);
  return { dir: node.keysDir, node: node.id };
}

/** `gongshu keys init|show`: the node's ed25519 key pair. */
export default async function keys(args: unknown[], command: Command): Promise<number> {
  const [action] = args as ['init' | 'show'];
  const o = command.opts<KeysOptions>();
  const out = processOutput();
  const { dir, node } = await keysDirOf(o.project);
  if (action === 'init') {
    const k = initKeys(dir, { force: Boolean(o.force) });
    const cert = o.tls
      ? initCertificate(dir, {
          node: node ?? 'gongshu-node',
          force: Boolean(o.force),
          ...(o.host ? { hosts: o.host } : {}),
        })
      : undefined;
    const info = {
      node,
      publicKey: k.publicText,
      privateKeyFile: join(dir, KEY_FILES.private),
      created: k.created,
      ...(cert
        ? { certificate: { file: cert.cert, key: cert.key, created: cert.created, sha256: cert.fingerprint } }
        : {}),
    };
    if (o.json) out.json(info);
    else {
      out.data(k.publicText);
      out.note(
        k.created
          ? `keys init: created ${info.privateKeyFile} (mode 600). Give the public key above to the parent node (platform.children)`
          : `keys init: ${info.privateKeyFile} exists; kept it (use --force to replace it: children and parents must then update the public key)`,
      );
      if (cert)
        out.note(
          cert.created
            ? `keys init: made the self-signed TLS certificate ${cert.cert} (key ${cert.key}, mode 600; SHA-256 ${cert.fingerprint}) with openssl. Set platform.tls: { cert, key } here and give ${cert.cert} to the children, which pin it as platform.parent.tls.ca`
            : `keys init: ${cert.cert} exists; kept it (--force replaces it)`,
        );
    }
    return EXIT.ok;
  }
  if (action === 'show') {
    const k = loadKeys(dir);
    if (o.json) out.json({ node, publicKey: k.publicText });
    else out.data(k.publicText);
    return EXIT.ok;
  }
  throw new CliError(`keys: expected init or show; got ${String(action)}`);
}
