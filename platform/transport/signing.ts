import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { PlatformRejection } from '../errors.ts';
import { signBytes, verifyBytes } from './node-keys.ts';

/** Request headers carrying the signature. */
export const SIGNATURE_HEADERS = {
  node: 'x-gongshu-node',
  timestamp: 'x-gongshu-timestamp',
  nonce: 'x-gongshu-nonce',
  signature: 'x-gongshu-signature',
  /** The SM3 of the body, declared by the sender and covered by the signature (checked before the body is read). */
  contentHash: 'x-gongshu-content-sm3',
} as const;

/** The signature headers a request must carry (the content hash is declared separately). */
const REQUIRED = [
  SIGNATURE_HEADERS.node,
  SIGNATURE_HEADERS.timestamp,
  SIGNATURE_HEADERS.nonce,
  SIGNATURE_HEADERS.signature,
] as const;
const HEX64 = /^[0-9a-f]{64}$/;

const SCHEME = 'GONGSHU-ED25519-V1';
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/** SM3 (GB/T 32905) of bytes, hex. */
export function sm3(data: Buffer | string): string {
  return createHash('sm3').update(data).digest('hex');
}

/**
 * The signed text of a request: scheme, method, path with query, node, timestamp (ms since epoch),
 * nonce and the SM3 of the body, one per line.
 */
export function canonicalRequest(parts: {
  method: string;
  path: string;
  node: string;
  timestamp: string;
  nonce: string;
  bodyHash: string;
}): Buffer {
  return Buffer.from(
    [
      SCHEME,
      parts.method.toUpperCase(),
      parts.path,
      parts.node,
      parts.timestamp,
      parts.nonce,
      parts.bodyHash,
    ].join('\n'),
  );
}

/** The signature headers of a request from `node`, signed now with a fresh nonce. */
export function signRequest(options: {
  node: string;
  privateKey: KeyObject;
  method: string;
  path: string;
  body?: Buffer;
  /** The SM3 of `body` when the caller has it already (it is computed otherwise). */
  bodyHash?: string;
  now?: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(options.now ?? Date.now());
  const nonce = options.nonce ?? randomBytes(18).toString('base64url');
  const bodyHash = options.bodyHash ?? sm3(options.body ?? Buffer.alloc(0));
  const data = canonicalRequest({
    method: options.method,
    path: options.path,
    node: options.node,
    timestamp,
    nonce,
    bodyHash,
  });
  return {
    [SIGNATURE_HEADERS.node]: options.node,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.contentHash]: bodyHash,
    [SIGNATURE_HEADERS.signature]: signBytes(options.privateKey, data),
  };
}

/** A request whose signature checked out. */
export interface VerifiedRequest {
  readonly node: string;
  readonly nonce: string;
  readonly timestamp: number;
  readonly bodyHash: string;
}

/**
 * Checks a request's signature headers: present, a known node, a timestamp within `maxSkewSeconds` of now,
 * and an ed25519 signature over the canonical request. Throws a `PlatformRejection` (401/403) otherwise.
 * Without `body`, the signature is checked over the declared body hash (`x-gongshu-content-sm3`), so a request
 * can be refused before its body is read; the caller then checks the body against `bodyHash` as it reads it.
 * Nonce replay is checked by the caller (it needs the store).
 */
export function verifyRequest(options: {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body?: Buffer;
  keyOf: (node: string) => KeyObject | undefined;
  maxSkewSeconds: number;
  now?: number;
}): VerifiedRequest {
  const h = (name: string) => {
    const v = options.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const node = h(SIGNATURE_HEADERS.node);
  const ts = h(SIGNATURE_HEADERS.timestamp);
  const nonce = h(SIGNATURE_HEADERS.nonce);
  const signature = h(SIGNATURE_HEADERS.signature);
  const declared = h(SIGNATURE_HEADERS.contentHash);
  const missing = [
    ...REQUIRED.filter((n) => !h(n)),
    ...(options.body === undefined && !declared ? [SIGNATURE_HEADERS.contentHash] : []),
  ];
  if (missing.length > 0 || !node || !ts || !nonce || !signature) {
    throw new PlatformRejection(
      401,
      'unsigned',
      `${options.method} ${options.path}: missing signature headers ${missing.join(', ')}. Every request between nodes is signed with the sending node's ed25519 key (gongshu push/backflow do this)`,
    );
  }
  const key = /^\d{6}$/.test(node) ? options.keyOf(node) : undefined;
  if (!key) {
    const shown = /^\d{6}$/.test(node) ? node : '(not a six-digit node id)';
    throw new PlatformRejection(
      403,
      'unknown-node',
      `node ${shown} is not a child of this node. Fix: add { id: "<its division code>", publicKey: "<its gongshu keys show>" } to platform.children of this node's project`,
      /^\d{6}$/.test(node) ? { node } : {},
    );
  }
  const timestamp = Number(ts);
  const now = options.now ?? Date.now();
  if (!/^\d{1,16}$/.test(ts) || Math.abs(now - timestamp) > options.maxSkewSeconds * 1000) {
    throw new PlatformRejection(
      401,
      'stale-timestamp',
      `node ${node}: request timestamp ${ts} is ${Number.isFinite(timestamp) ? `${Math.round((now - timestamp) / 1000)} s` : 'not a time'} away from this node's clock; allowed ±${options.maxSkewSeconds} s. Fix: sync both clocks (NTP) and send a fresh request`,
      { node },
    );
  }
  if (!NONCE.test(nonce)) {
    throw new PlatformRejection(
      401,
      'bad-nonce',
      `node ${node}: nonce must be 16-64 characters [A-Za-z0-9_-]`,
      {
        node,
      },
    );
  }
  if (declared !== undefined && !HEX64.test(declared)) {
    throw new PlatformRejection(
      401,
      'bad-content-hash',
      `node ${node}: ${SIGNATURE_HEADERS.contentHash} must be the SM3 of the body as 64 lower-case hex digits`,
      { node },
    );
  }
  const bodyHash = options.body === undefined ? declared! : sm3(options.body);
  if (declared !== undefined && declared !== bodyHash) {
    throw new PlatformRejection(
      400,
      'body-hash-mismatch',
      `node ${node}: the body does not match its declared SM3 (${SIGNATURE_HEADERS.contentHash}); nothing was stored. Send the body the signature covers`,
      { node },
    );
  }
  const data = canonicalRequest({
    method: options.method,
    path: options.path,
    node,
    timestamp: ts,
    nonce,
    bodyHash,
  });
  if (!verifyBytes(key, data, signature)) {
    throw new PlatformRejection(
      401,
      'bad-signature',
      `node ${node}: the signature does not match the request (method, path, timestamp, nonce, body). Fix: check that node ${node}'s configured public key is the one \`gongshu keys show\` prints there`,
      { node },
    );
  }
  return { node, nonce, timestamp, bodyHash };
}
