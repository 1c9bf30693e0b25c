/**
 * The path as the router reads it. Scope checks in hooks must not read the raw URL: "/%61pi/v1/ads"
 * is routed to "/api/v1/ads" but does not start with "/api/", which let it skip the API's rate limit.
 * The router percent-decodes the path once, so this does too (a route pattern would not do: an
 * unknown "/api/…" path can match a catch-all pattern such as "/:city/:category/:slug").
 */
import type { FastifyRequest } from 'fastify';

export function routedPath(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // malformed escapes: the router refuses these, and the raw path is all there is
  }
}
