/** The link to a node's parent for backups, from its platform section and key pair (read when first needed). */
import { loadKeys, type NodeKeys, nodeContext, type PlatformProject } from '../../platform/index.ts';
import type { BackupSettings } from './config.ts';
import type { ParentLink } from './parent-client.ts';

/** A lazy `ParentLink` of a project, or undefined when it has no `platform.parent`. */
export function parentLinkOf(
  project: PlatformProject,
  dir: string,
  settings: BackupSettings,
  logger?: { warn(msg: string): void },
  keys?: NodeKeys,
): (() => ParentLink) | undefined {
  const node = nodeContext(project, dir);
  const parent = node.platform.parent;
  if (!parent) return undefined;
  let link: ParentLink | undefined;
  return () => {
    link ??= {
      id: parent.id,
      url: parent.url,
      node: node.id,
      keys: keys ?? loadKeys(node.keysDir),
      attempts: node.platform.push.attempts,
      backoffMs: node.platform.push.backoffMs,
      timeoutMs: node.platform.push.timeoutMs,
      chunkBytes: settings.config.uploadChunkBytes,
      logger,
    };
    return link;
  };
}
