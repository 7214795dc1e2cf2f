/** The one way run, load and batch ids are made: `<prefix>-<UTC yyyymmddhhmmss>-<random hex>`. */
import { randomBytes } from 'node:crypto';

/** The UTC time stamp ids carry: `yyyymmddhhmmss`. */
export function idStamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A new id: `<prefix>-<stamp>-<hex>` (`randomBytes` bytes of randomness, 3 by default); no prefix gives `<stamp>-<hex>`. */
export function newId(prefix: string, now = new Date(), randomBytesCount = 3): string {
  const tail = `${idStamp(now)}-${randomBytes(randomBytesCount).toString('hex')}`;
  return prefix ? `${prefix}-${tail}` : tail;
}
