// Security headers for every response. The portal ships no script at all, so the policy can forbid
// scripts outright; styles come only from our own origin.
import type { MiddlewareHandler } from 'hono';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    // Set before the handler runs: headers added to a finished response make the Node adapter rebuild
    // it, which costs more than the page itself. A handler may still override one (the report's CSP).
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    // Served over https (directly, or behind a proxy that terminates TLS and says so): browsers keep to https.
    if (new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https')
      c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
