import type { KeyObject } from 'node:crypto';
import { signBytes, verifyBytes } from './node-keys.ts';

/** Headers of a signed answer. */
export const ANSWER_HEADERS = {
  /** The answering node. */
  node: 'x-gongshu-node',
  /** The request the answer is for: the request's nonce. */
  requestId: 'x-gongshu-answer-to',
  contentHash: 'x-gongshu-content-sm3',
  signature: 'x-gongshu-signature',
} as const;

const SCHEME = 'GONGSHU-ED25519-ANSWER-V1';

/** The signed text of an answer: scheme, answering node, request id (the request's nonce), status, body SM3. */
export function canonicalAnswer(parts: {
  node: string;
  requestId: string;
  status: number;
  bodyHash: string;
}): Buffer {
  return Buffer.from([SCHEME, parts.node, parts.requestId, String(parts.status), parts.bodyHash].join('\n'));
}

/** The headers that sign an answer of `node` to the request `requestId`. */
export function signAnswer(options: {
  node: string;
  privateKey: KeyObject;
  requestId: string;
  status: number;
  bodyHash: string;
}): Record<string, string> {
  return {
    [ANSWER_HEADERS.node]: options.node,
    [ANSWER_HEADERS.requestId]: options.requestId,
    [ANSWER_HEADERS.contentHash]: options.bodyHash,
    [ANSWER_HEADERS.signature]: signBytes(options.privateKey, canonicalAnswer(options)),
  };
}

/**
 * Whether an answer was signed by `node` with `publicKey` for the request `requestId`, with this status and a body
 * whose SM3 is `bodyHash` (computed by the caller over the bytes it received). Returns the reason when not.
 */
export function answerProblem(options: {
  node: string;
  publicKey: KeyObject;
  requestId: string;
  status: number;
  bodyHash: string;
  header: (name: string) => string | undefined;
}): string | undefined {
  const signature = options.header(ANSWER_HEADERS.signature);
  if (!signature) return 'the answer is not signed';
  const from = options.header(ANSWER_HEADERS.node);
  if (from !== options.node)
    return `the answer is signed as node ${String(from).slice(0, 16)}, not ${options.node}`;
  if (options.header(ANSWER_HEADERS.requestId) !== options.requestId)
    return 'the answer is for another request';
  if (options.header(ANSWER_HEADERS.contentHash) !== options.bodyHash)
    return 'the body received is not the body the answer declares';
  const data = canonicalAnswer({
    node: options.node,
    requestId: options.requestId,
    status: options.status,
    bodyHash: options.bodyHash,
  });
  return verifyBytes(options.publicKey, data, signature)
    ? undefined
    : `the signature does not verify against node ${options.node}'s configured public key`;
}
