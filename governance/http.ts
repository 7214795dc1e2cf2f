/**
 * Governance over the node's signed HTTP service: errors become the platform's 4xx answers, and answers are
 * signed by the node (ed25519 over the status, the request's nonce and the SM3 of the body), so a child can prove
 * what its parent answered. The platform layer may later sign every answer itself; this stays the one place
 * governance does it.
 */
import type { KeyObject } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { type NodeKeys, PlatformRejection, signBytes, sm3, verifyBytes } from '../platform/index.ts';
import { isGongshuError } from '../schemas/index.ts';
import { GovernanceError } from './errors.ts';

/** Headers of a signed answer. */
export const ANSWER_HEADERS = {
  node: 'x-gongshu-answer-node',
  signature: 'x-gongshu-answer-signature',
} as const;

const SCHEME = 'GONGSHU-ANSWER-ED25519-V1';

function answerText(node: string, status: number, nonce: string, body: Buffer): Buffer {
  return Buffer.from([SCHEME, node, String(status), nonce, sm3(body)].join('\n'));
}

/** The signature headers of an answer. */
export function signAnswer(
  keys: Pick<NodeKeys, 'privateKey'>,
  node: string,
  status: number,
  nonce: string,
  body: Buffer,
): Record<string, string> {
  return {
    [ANSWER_HEADERS.node]: node,
    [ANSWER_HEADERS.signature]: signBytes(keys.privateKey, answerText(node, status, nonce, body)),
  };
}

/** Checks an answer's signature against the answering node's public key; throws when it does not verify. */
export function verifyAnswer(
  answer: { status: number; body: Buffer; headers: Readonly<Record<string, string>>; nonce: string },
  node: string,
  publicKey: KeyObject,
): void {
  const signature = answer.headers[ANSWER_HEADERS.signature];
  if (
    answer.headers[ANSWER_HEADERS.node] !== node ||
    !signature ||
    !verifyBytes(publicKey, answerText(node, answer.status, answer.nonce, answer.body), signature)
  ) {
    throw new GovernanceError(
      'forbidden',
      'unsigned-answer',
      `the answer of node ${node} is not signed by it (or was altered): it is not trusted. Fix: check that platform.parent.publicKey is what \`gongshu keys show\` prints on node ${node}`,
    );
  }
}

/** A governance (or other gongshu) error as the platform's 4xx rejection; anything else unchanged. */
export function toRejection(error: unknown): unknown {
  if (error instanceof PlatformRejection) return error;
  if (error instanceof GovernanceError)
    return new PlatformRejection(error.status, error.code.replace(/^governance-/, ''), error.message);
  if (isGongshuError(error) && error.code === 'definition')
    return new PlatformRejection(400, 'invalid', error.message);
  return error;
}

/**
 * Sends `value` as this node's signed JSON answer to the request with `nonce`; a node without a key pair cannot
 * sign, and answers 503 with the fix.
 */
export function sendSignedAnswer(
  reply: FastifyReply,
  keys: NodeKeys | undefined,
  node: string,
  answer: { status: number; nonce: string; value: unknown },
): FastifyReply {
  if (!keys) {
    throw new PlatformRejection(
      503,
      'no-keys',
      `node ${node} has no key pair to sign its answers. Fix: gongshu keys init on node ${node}`,
    );
  }
  const body = Buffer.from(JSON.stringify(answer.value));
  return reply
    .status(answer.status)
    .headers(signAnswer(keys, node, answer.status, answer.nonce, body))
    .header('content-type', 'application/json; charset=utf-8')
    .send(body);
}

/** A signed request's JSON body checked against `schema`; 400 `malformed-json` or `bad-request` naming `route`. */
export function parseSignedBody<S extends z.ZodType>(body: unknown, schema: S, route: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse((body as Buffer).toString('utf8'));
  } catch {
    throw new PlatformRejection(400, 'malformed-json', `${route}: the body is not JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new PlatformRejection(
      400,
      'bad-request',
      `${route}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
