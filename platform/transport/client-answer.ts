import { rmSync } from 'node:fs';
import { TransportError } from '../errors.ts';
import { answerProblem } from './answers.ts';
import type { RawAnswer } from './client-exchange.ts';
import type { SignedRequestOptions } from './client-options.ts';

/** The first value of an answer header (lower-case name). */
export function answerHeader(answer: RawAnswer): (name: string) => string | undefined {
  return (name: string) => {
    const v = answer.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

/**
 * Checks the answer's signature when `answerFrom` is given; returns whether it was checked. An unverifiable
 * answer deletes `saveTo` and throws a retryable TransportError.
 */
export function verifyAnswer(
  options: SignedRequestOptions,
  answer: RawAnswer,
  requestId: string,
  what: string,
  url: URL,
): boolean {
  if (!options.answerFrom) return false;
  const problem = answerProblem({
    node: options.answerFrom.id,
    publicKey: options.answerFrom.publicKey,
    requestId,
    status: answer.status,
    bodyHash: answer.hash,
    header: answerHeader(answer),
  });
  if (problem) {
    if (options.saveTo) rmSync(options.saveTo, { force: true });
    throw new TransportError(
      `${what}: answer ${answer.status} cannot be verified (${problem}); it was ignored and nothing was recorded from it. Check the network path to node ${options.answerFrom.id} and its configured publicKey`,
      { status: answer.status, retryable: true, code: 'unverified-answer', url: url.href },
    );
  }
  return true;
}

/**
 * Throws an error answer (status 400 and above) as a TransportError with the node's code and message (final for
 * a 4xx, retryable for 429 and 5xx), after deleting `saveTo`.
 */
export function throwIfRefused(
  options: SignedRequestOptions,
  answer: RawAnswer,
  what: string,
  url: URL,
  verified: boolean,
): void {
  if (answer.status < 400) return;
  if (options.saveTo) rmSync(options.saveTo, { force: true });
  let code: string | undefined;
  let message = answer.body.toString('utf8').slice(0, 500);
  try {
    const e = (JSON.parse(answer.body.toString('utf8')) as { error?: { code?: string; message?: string } })
      .error;
    code = e?.code;
    message = e?.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  throw new TransportError(`${what}: ${answer.status} ${code ?? ''}: ${message}`, {
    status: answer.status,
    retryable: answer.status >= 500 || answer.status === 429,
    ...(code ? { code } : {}),
    url: url.href,
    verified,
  });
}
