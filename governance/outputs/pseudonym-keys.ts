/**
 * Pseudonymisation keys, one per audience (share, backflow, open), so tokens of one audience cannot be joined
 * with another's. A key lives in a file (configured in `sharing.pseudonymKeys`, else
 * `.gongshu/keys/pseudonym-<audience>.key`), created with 32 random bytes and mode 0600 on first use. Its id —
 * the first 16 hex characters of the SM3 of the key — is recorded in the audit; the key never is.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { sm3 } from '../../platform/index.ts';
import { type OutputAudience, PSEUDONYM_MIN_KEY_BYTES } from '../../schemas/index.ts';
import type { GovernanceConfig } from '../config.ts';
import { GovernanceConfigError } from '../errors.ts';

/** A loaded pseudonymisation key. */
export interface PseudonymKey {
  readonly audience: OutputAudience;
  readonly id: string;
  readonly key: Buffer;
}

/** The key file of an audience. */
export function pseudonymKeyPath(config: GovernanceConfig, audience: OutputAudience): string {
  const file =
    config.sharing.pseudonymKeys[audience] ?? join('.gongshu', 'keys', `pseudonym-${audience}.key`);
  return isAbsolute(file) ? file : join(config.dir, file);
}

/** Loads (creating on first use) the pseudonymisation key of an audience. */
export function pseudonymKey(config: GovernanceConfig, audience: OutputAudience): PseudonymKey {
  const path = pseudonymKeyPath(config, audience);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  if (statSync(path).mode & 0o077) {
    throw new GovernanceConfigError(
      `${path}: the pseudonymisation key is readable by others. Fix: chmod 600 ${path}`,
      { file: path },
    );
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
  if (key.length < PSEUDONYM_MIN_KEY_BYTES) {
    throw new GovernanceConfigError(
      `${path}: a pseudonymisation key needs at least ${PSEUDONYM_MIN_KEY_BYTES} bytes; got ${key.length}. Fix: write 64 random hex characters into it`,
      { file: path },
    );
  }
  return { audience, id: sm3(key).slice(0, 16), key };
}
