/**
 * The two authenticated ciphers of backups, both in `node:crypto`: AES-256-GCM, and SM4-CTR with HMAC-SM3
 * (encrypt-then-MAC; `node:crypto` has no SM4-GCM). Each is used as an AEAD over a 32-byte key and a 12-byte
 * nonce: for the archive's chunks (under a key derived from the backup's data key) and to wrap the data key
 * (under the master key).
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/** Ciphers a backup can be encrypted with. */
export const BACKUP_CIPHERS = ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const;
/** A backup cipher. */
export type BackupCipher = (typeof BACKUP_CIPHERS)[number];

/** Bytes of every AEAD key (data keys and master keys). */
export const KEY_BYTES = 32;
/** Bytes of an AEAD nonce. */
export const NONCE_BYTES = 12;

/**
 * An AEAD bound to one key: `seal` returns ciphertext ‖ tag (`sealParts` the same as pieces, so a writer can hand
 * them to `writev` without copying), `open` the plaintext or null when it does not authenticate.
 */
export interface Aead {
  readonly cipher: BackupCipher;
  readonly tagBytes: number;
  seal(nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer;
  sealParts(nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer[];
  open(nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer | null;
}

/** `head` ‖ `tail` without a copy when `tail` is empty (a stream cipher's and GCM's `final()`). */
const joined = (head: Buffer, tail: Buffer) => (tail.length === 0 ? head : Buffer.concat([head, tail]));

/** A labelled 32-byte subkey: HMAC-SM3(key, label). */
export function subkey(key: Buffer, label: string): Buffer {
  return createHmac('sm3', key).update(label).digest();
}

function aesGcm(key: Buffer): Aead {
  const sealParts = (nonce: Buffer, plaintext: Buffer, aad: Buffer) => {
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    const head = c.update(plaintext);
    const tail = c.final();
    return tail.length === 0 ? [head, c.getAuthTag()] : [head, tail, c.getAuthTag()];
  };
  return {
    cipher: 'aes-256-gcm',
    tagBytes: 16,
    sealParts,
    seal: (nonce, plaintext, aad) => Buffer.concat(sealParts(nonce, plaintext, aad)),
    open(nonce, sealed, aad) {
      if (sealed.length < 16) return null;
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAAD(aad);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      try {
        const head = d.update(sealed.subarray(0, sealed.length - 16));
        return joined(head, d.final());
      } catch {
        return null;
      }
    },
  };
}

function sm4CtrHmacSm3(key: Buffer): Aead {
  const encKey = subkey(key, 'sm4-ctr').subarray(0, 16);
  const macKey = subkey(key, 'hmac-sm3');
  // The counter block is the nonce followed by a 32-bit block counter starting at 0: a chunk of up to 64 GiB
  // never reaches the next nonce.
  const iv = (nonce: Buffer) => Buffer.concat([nonce, Buffer.alloc(4)]);
  const tag = (nonce: Buffer, ciphertext: Buffer, aad: Buffer) => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(aad.length));
    return createHmac('sm3', macKey).update(len).update(aad).update(nonce).update(ciphertext).digest();
  };
  const sealParts = (nonce: Buffer, plaintext: Buffer, aad: Buffer) => {
    const c = createCipheriv('sm4-ctr', encKey, iv(nonce));
    const ciphertext = joined(c.update(plaintext), c.final());
    return [ciphertext, tag(nonce, ciphertext, aad)];
  };
  return {
    cipher: 'sm4-ctr-hmac-sm3',
    tagBytes: 32,
    sealParts,
    seal: (nonce, plaintext, aad) => Buffer.concat(sealParts(nonce, plaintext, aad)),
    open(nonce, sealed, aad) {
      if (sealed.length < 32) return null;
      const ciphertext = sealed.subarray(0, sealed.length - 32);
      if (!timingSafeEqual(tag(nonce, ciphertext, aad), sealed.subarray(sealed.length - 32))) return null;
      const d = createDecipheriv('sm4-ctr', encKey, iv(nonce));
      return joined(d.update(ciphertext), d.final());
    },
  };
}

/** The AEAD of a cipher under a 32-byte key. */
export function aead(cipher: BackupCipher, key: Buffer): Aead {
  if (key.length !== KEY_BYTES)
    throw new Error(`${cipher}: expected a ${KEY_BYTES}-byte key; got ${key.length}`);
  return cipher === 'aes-256-gcm' ? aesGcm(key) : sm4CtrHmacSm3(key);
}
