import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformConfigError } from '../errors.ts';

/** File names of a node's key pair inside its keys folder. */
export const KEY_FILES = { private: 'node.key', public: 'node.pub' } as const;

/** A node's loaded key pair. */
export interface NodeKeys {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as `ed25519:<base64 of the 32 raw bytes>`, the form other nodes configure. */
  readonly publicText: string;
}

/** The text form of an ed25519 public key: `ed25519:<base64>` (32 raw bytes). */
export function publicKeyText(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as { x?: string };
  return `ed25519:${Buffer.from(jwk.x ?? '', 'base64url').toString('base64')}`;
}

/** Parses a configured public key: `ed25519:<base64>` or an SPKI PEM. */
export function parsePublicKey(text: string, where = 'publicKey'): KeyObject {
  try {
    const t = text.trim();
    if (t.startsWith('-----BEGIN')) return createPublicKey(t);
    const raw = Buffer.from(t.replace(/^ed25519:/, ''), 'base64');
    if (raw.length !== 32) throw new Error(`expected 32 bytes, got ${raw.length}`);
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  } catch (error) {
    throw new PlatformConfigError(
      `${where}: not an ed25519 public key (${(error as Error).message}). Fix: paste the line \`gongshu keys show\` prints on that node, e.g. "ed25519:…"`,
      { field: where },
    );
  }
}

/**
 * Creates the node's ed25519 key pair in `dir` (private key PKCS#8 PEM, mode 0600; public key SPKI PEM).
 * Refuses to overwrite an existing pair unless `force`.
 */
export function initKeys(dir: string, options: { force?: boolean } = {}): NodeKeys & { created: boolean } {
  const priv = join(dir, KEY_FILES.private);
  if (existsSync(priv) && !options.force) return { ...loadKeys(dir), created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(priv, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  chmodSync(priv, 0o600);
  writeFileSync(join(dir, KEY_FILES.public), publicKey.export({ format: 'pem', type: 'spki' }), {
    mode: 0o644,
  });
  return { privateKey, publicKey, publicText: publicKeyText(publicKey), created: true };
}

/** Loads the node's key pair from `dir`; says how to create it when missing, refuses a world-readable key. */
export function loadKeys(dir: string): NodeKeys {
  const priv = join(dir, KEY_FILES.private);
  if (!existsSync(priv)) {
    throw new PlatformConfigError(
      `${priv}: no node key. Fix: run \`gongshu keys init --project DIR\` on this node, then give its public key (\`gongshu keys show\`) to the parent`,
      { file: priv },
    );
  }
  const mode = statSync(priv).mode & 0o777;
  if (mode & 0o077) {
    throw new PlatformConfigError(
      `${priv}: the private key is readable by others (mode ${mode.toString(8)}). Fix: chmod 600 ${priv}`,
      { file: priv },
    );
  }
  const privateKey = createPrivateKey(readFileSync(priv));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicText: publicKeyText(publicKey) };
}

/** Signs bytes with ed25519; base64 signature. */
export function signBytes(privateKey: KeyObject, data: Buffer): string {
  return sign(null, data, privateKey).toString('base64');
}

/** Verifies an ed25519 base64 signature; false on any malformed input. */
export function verifyBytes(publicKey: KeyObject, data: Buffer, signature: string): boolean {
  try {
    const sig = Buffer.from(signature, 'base64');
    return sig.length === 64 && verify(null, data, publicKey, sig);
  } catch {
    return false;
  }
}
