import { existsSync, readFileSync, statSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { NodeContext } from '../config.ts';
import { PlatformConfigError } from '../errors.ts';
import type { ClientTls } from './client.ts';

/**
 * TLS of the node service and of its calls to the parent, from the platform config. The transport is TLS as
 * node:tls speaks it (OpenSSL); a deployment that must use national-crypto transport (TLCP, GB/T 38636, with
 * SM2 certificates) terminates it in front of `gongshu serve` (a TLCP gateway or proxy) and leaves
 * `platform.tls` unset there: every request and every answer is signed by the nodes themselves either way
 * (see README, "Transport security").
 */

function readPem(file: string, what: string, secret = false): Buffer {
  if (!existsSync(file)) {
    throw new PlatformConfigError(
      `${what}: ${file} does not exist. Fix: make one with \`gongshu keys init --tls --project DIR\` or point the setting at your PEM file`,
      { file },
    );
  }
  if (secret && statSync(file).mode & 0o077) {
    throw new PlatformConfigError(
      `${what}: ${file} is readable by others (mode ${(statSync(file).mode & 0o777).toString(8)}). Fix: chmod 600 ${file}`,
      { file },
    );
  }
  return readFileSync(file);
}

/** The https options of `gongshu serve`, or undefined when it serves plain http. */
export function serverTls(
  node: NodeContext,
): { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean } | undefined {
  const t = node.platform.tls;
  if (!t) return undefined;
  if (t.requireClientCertificate && !t.ca) {
    throw new PlatformConfigError(
      "platform.tls.requireClientCertificate needs platform.tls.ca: the CAs (or the children's certificates) a child certificate must chain to",
      { field: 'platform.tls.ca' },
    );
  }
  return {
    cert: readPem(t.cert, 'platform.tls.cert'),
    key: readPem(t.key, 'platform.tls.key', true),
    ...(t.ca ? { ca: readPem(t.ca, 'platform.tls.ca') } : {}),
    requestCert: t.requireClientCertificate,
    rejectUnauthorized: t.requireClientCertificate,
  };
}

/** The TLS material for calls to the parent (its pinned certificate or CA; this node's certificate). */
export function parentTls(node: NodeContext): ClientTls | undefined {
  const t = node.platform.parent?.tls;
  if (!t) return undefined;
  return {
    ...(t.ca ? { ca: readPem(t.ca, 'platform.parent.tls.ca') } : {}),
    ...(t.cert ? { cert: readPem(t.cert, 'platform.parent.tls.cert') } : {}),
    ...(t.key ? { key: readPem(t.key, 'platform.parent.tls.key', true) } : {}),
  };
}

/** The subject CN of the certificate the peer of a TLS socket presented, if any. */
export function peerCommonName(socket: unknown): string | undefined {
  const s = socket as Partial<TLSSocket>;
  if (typeof s.getPeerCertificate !== 'function' || !s.authorized) return undefined;
  const cn = s.getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}
