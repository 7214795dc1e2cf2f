/** The store behind each destination: a folder (`PathStore`) or the parent node (`ParentStore`). */
import type { BackupDestination, BackupSettings } from './config.ts';
import { DefinitionError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { type ParentLink, ParentStore } from './parent-client.ts';
import { PathStore } from './path-store.ts';

/** What every destination can do. */
export interface BackupStore {
  /** How messages name it. */
  readonly where: string;
  put(archiveFile: string, manifest: Manifest): Promise<void>;
  list(): Promise<{ manifests: Manifest[]; problems: string[] }>;
  has(id: string): Promise<boolean>;
  manifest(id: string): Promise<Manifest>;
  archive(id: string): AsyncIterable<Uint8Array>;
  remove(id: string): Promise<void>;
}

/** The folder store of a path destination. */
export function pathStoreOf(
  settings: BackupSettings,
  d: Extract<BackupDestination, { kind: 'path' }>,
): PathStore {
  return new PathStore(d.root, settings.node.id, `destination ${d.name} (${d.root})`);
}

/**
 * The store of a destination. `parent` gives the link to the parent node when a destination needs it; without
 * one a parent destination is a definition error.
 */
export function storeOf(
  settings: BackupSettings,
  d: BackupDestination,
  parent: (() => ParentLink) | undefined,
): BackupStore {
  if (d.kind === 'path') return pathStoreOf(settings, d);
  if (!parent) {
    throw new DefinitionError(
      `backup destination ${d.name} is the parent node, but this node has no platform.parent. Fix: platform: { parent: { id, url, publicKey } }, or a { path } destination`,
      { field: `backup.destinations.${d.name}` },
    );
  }
  return new ParentStore(parent(), d.name);
}
