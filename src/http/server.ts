/**
 * The Bun server's options: production mode (Bun's development error page would show source
 * paths and code), the edge as its fetch and error handlers, and Bun's own body cap far above
 * the edge's, so the edge — which answers in the JSON error shape — is the one that refuses.
 */
import type { Serve, Server } from 'bun';
import type { Edge } from './edge';

/** Idle connections (a slow-loris client) are closed after this many seconds. */
export const IDLE_TIMEOUT_S = 30;

export function serveOptions(edge: Edge, listen: { port: number; hostname: string }): Serve.Options<unknown> {
  return {
    port: listen.port,
    hostname: listen.hostname,
    development: false,
    idleTimeout: IDLE_TIMEOUT_S,
    // The edge counts every body against BODY_LIMIT_MB (Content-Length or chunked) and answers 413 itself.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (request: Request, server: Server<unknown>) => edge.fetch(request, server as never),
    error: edge.error,
    ...(edge.websocket ? { websocket: edge.websocket } : {}),
  } as Serve.Options<unknown>;
}
