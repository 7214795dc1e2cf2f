import { PlatformRejection } from '../errors.ts';
import { bodyHashMismatch, type ServerContext } from './server-context.ts';
import type { NodeServerTools } from './server-options.ts';

/** The tools `extend` gets: the serial, and a check that the request was admitted and its body is the signed one. */
export function serverTools(ctx: ServerContext): NodeServerTools {
  const tools: NodeServerTools = {
    serial: ctx.serial,
    // An unsigned request reaches a route only on a public read path (admission let it through unadmitted).
    sender: async (req) => (ctx.admitted.has(req) ? tools.verify(req) : null),
    // Admitted in onRequest (signature over the declared body hash, nonce, clock, cap); the body as read
    // must be the one the signature covers.
    verify: async (req) => {
      const a = ctx.admitted.get(req);
      if (!a)
        throw new PlatformRejection(401, 'unsigned', `${req.method} ${req.url.split('?')[0]}: not signed`);
      if (a.bodyHash !== undefined && a.bodyHash !== a.verified.bodyHash) {
        throw bodyHashMismatch(a.verified.node);
      }
      return a.verified;
    },
  };
  return tools;
}
