import http from 'node:http';
import https from 'node:https';
import type { ClientTls } from './client-options.ts';
import { sm3 } from './signing.ts';

const agents = new Map<string, http.Agent>();
/** A keep-alive agent per base URL and TLS material. */
export function agentFor(url: URL, tls: ClientTls | undefined): http.Agent {
  const secure = url.protocol === 'https:';
  const id = `${url.origin}|${secure && tls ? sm3(`${tls.ca ?? ''}|${tls.cert ?? ''}`) : ''}`;
  let agent = agents.get(id);
  if (!agent) {
    agent = secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 4,
          ...(tls?.ca ? { ca: tls.ca } : {}),
          ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
        })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
    agents.set(id, agent);
  }
  return agent;
}
