import type { KeyObject } from 'node:crypto';
import type { NodeKeys } from './node-keys.ts';

/** TLS material a node uses to reach another (PEM text or bytes). */
export interface ClientTls {
  /** CAs (or the other node's pinned self-signed certificate) its certificate must chain to. */
  readonly ca?: string | Buffer | undefined;
  /** This node's certificate and key, for mutual TLS. */
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
}

/** Options of `signedRequest`. */
export interface SignedRequestOptions {
  baseUrl: string;
  node: string;
  keys: Pick<NodeKeys, 'privateKey'>;
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
  /** Send this file as the body (streamed, not read into memory). */
  bodyFile?: string;
  /** The SM3 of the body, when the caller computed it already. */
  bodyHash?: string;
  contentType?: string;
  timeoutMs?: number;
  /**
   * The node expected to answer and its configured public key: the answer must be signed by it over this
   * request's id, the status and the body, or the call fails with a retryable, unverified TransportError.
   */
  answerFrom?: { readonly id: string; readonly publicKey: KeyObject };
  /** Write a successful answer's body to this file (hashed on the way) instead of memory. */
  saveTo?: string;
  /** Largest answer body accepted; defaults to 64 MiB in memory, 4 GiB to a file. */
  maxAnswerBytes?: number;
  tls?: ClientTls;
  /** Called as the body file is read onto the network, with the bytes sent so far (progress). */
  onBodyBytes?: (bytes: number) => void;
  /** Called as a successful answer is read, with the bytes so far and its declared length (progress). */
  onAnswerBytes?: (bytes: number, total: number | undefined) => void;
}
