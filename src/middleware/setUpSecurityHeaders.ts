import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Strict CSP (nothing inline, nothing from elsewhere), no referrer, and no-store on every page:
 * a shared or seized phone keeps nothing useful in its cache. Static files set their own caching.
 */
export function setUpSecurityHeaders(useHsts: boolean): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: useHsts ? { maxAge: 31536000 } : false,
    }),
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
  ];
}
