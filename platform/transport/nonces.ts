import type { Warehouse } from '../../warehouse/index.ts';
import { NONCES_TABLE } from '../../warehouse/index.ts';
import { PlatformRejection } from '../errors.ts';

/**
 * Records a request nonce (in the warehouse, so a replay is caught across restarts too) and refuses one seen
 * before with 409. Nonces older than twice the allowed clock skew are pruned: a request that old is refused
 * for its timestamp anyway.
 */
export async function claimNonce(
  wh: Warehouse,
  node: string,
  nonce: string,
  maxSkewSeconds: number,
): Promise<void> {
  const seen = await wh.value<number>(`SELECT count(*) FROM ${NONCES_TABLE} WHERE node = $1 AND nonce = $2`, [
    node,
    nonce,
  ]);
  if ((seen ?? 0) > 0) {
    throw new PlatformRejection(
      409,
      'replayed',
      `node ${node}: nonce ${nonce} was used before: this request is a replay and was refused. Every request needs a fresh nonce`,
      { node },
    );
  }
  await wh.run(`INSERT INTO ${NONCES_TABLE} VALUES ($1, $2, now())`, [node, nonce]);
  if (Math.random() < 0.02) {
    await wh.run(
      `DELETE FROM ${NONCES_TABLE} WHERE seen_at < now() - to_seconds(${Math.ceil(maxSkewSeconds * 2)})`,
    );
  }
}
