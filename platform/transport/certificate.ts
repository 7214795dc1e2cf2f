import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PlatformConfigError } from '../errors.ts';

/** File names of a node's TLS certificate and key inside its keys folder. */
export const TLS_FILES = { cert: 'tls.crt', key: 'tls.key' } as const;

/** What `initCertificate` made or found. */
export interface NodeCertificate {
  readonly cert: string;
  readonly key: string;
  readonly created: boolean;
  /** SHA-256 fingerprint of the certificate (as `openssl x509 -fingerprint -sha256` prints it). */
  readonly fingerprint: string;
}

/**
 * Makes a self-signed TLS certificate for a node (EC P-256, subject CN = the node id, the given host names and
 * addresses as subjectAltName, 825 days) with the `openssl` command: node:crypto cannot write X.509
 * certificates. The other side pins it by naming the file as its `ca`. Refuses to overwrite an existing pair
 * unless `force`. Without `openssl` on PATH it says how to make one elsewhere.
 */
export function initCertificate(
  dir: string,
  options: { node: string; hosts?: readonly string[]; force?: boolean },
): NodeCertificate {
  const cert = join(dir, TLS_FILES.cert);
  const key = join(dir, TLS_FILES.key);
  const fingerprint = () => {
    const r = spawnSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], {
      encoding: 'utf8',
    });
    return r.status === 0 ? r.stdout.trim().replace(/^.*=/, '') : '';
  };
  if (existsSync(cert) && existsSync(key) && !options.force)
    return { cert, key, created: false, fingerprint: fingerprint() };
  const hosts = [...new Set(options.hosts?.length ? options.hosts : ['localhost', '127.0.0.1', hostname()])];
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '825',
    '-subj',
    `/CN=${options.node}/O=gongshu`,
    '-addext',
    `subjectAltName=${san}`,
  ];
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new PlatformConfigError(
      `keys init --tls: could not run openssl (${r.error?.message ?? r.stderr.trim().split('\n')[0]}). node:crypto cannot make X.509 certificates. Fix: install openssl, or on any machine run: openssl ${args.map((a) => (/[\s,/:]/.test(a) ? `'${a}'` : a)).join(' ')} and copy both files here`,
      { file: cert },
    );
  }
  chmodSync(key, 0o600);
  return { cert, key, created: true, fingerprint: fingerprint() };
}
