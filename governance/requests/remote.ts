/**
 * The requesting side of a cross-level request: a child node sends its request to the parent over the signed
 * service and checks that the answer is signed by the parent.
 */
import type { NodeContext, NodeKeys } from '../../platform/index.ts';
import { parsePublicKey, signedRequest } from '../../platform/index.ts';
import { GovernanceError } from '../errors.ts';
import { verifyAnswer } from '../http.ts';
import type { RemoteRequest } from './http-routes.ts';
import type { RequestView, SubmitRequestResult } from './workflow.ts';

function parentOf(node: NodeContext) {
  const parent = node.platform.parent;
  if (!parent) {
    throw new GovernanceError(
      'invalid',
      'no-parent',
      `node ${node.id} has no parent to send the request to. Fix: set platform.parent: { id, url, publicKey }, or submit locally without --parent`,
    );
  }
  return parent;
}

/** Submits a request to the parent node; returns its signed answer. */
export async function submitToParent(
  node: NodeContext,
  keys: NodeKeys,
  request: RemoteRequest,
): Promise<SubmitRequestResult & { parent: string }> {
  const parent = parentOf(node);
  const res = await signedRequest({
    baseUrl: parent.url,
    node: node.id,
    keys,
    method: 'POST',
    path: '/v1/requests',
    body: Buffer.from(JSON.stringify(request)),
    contentType: 'application/json',
    timeoutMs: node.platform.push.timeoutMs,
  });
  verifyAnswer(res, parent.id, parsePublicKey(parent.publicKey, 'platform.parent.publicKey'));
  return { ...res.json<SubmitRequestResult>(), parent: parent.id };
}

/** Reads one of this node's requests from the parent. */
export async function requestFromParent(node: NodeContext, keys: NodeKeys, id: string): Promise<RequestView> {
  const parent = parentOf(node);
  const res = await signedRequest({
    baseUrl: parent.url,
    node: node.id,
    keys,
    method: 'GET',
    path: `/v1/requests/${encodeURIComponent(id)}`,
    timeoutMs: node.platform.push.timeoutMs,
  });
  verifyAnswer(res, parent.id, parsePublicKey(parent.publicKey, 'platform.parent.publicKey'));
  return res.json<RequestView>();
}
