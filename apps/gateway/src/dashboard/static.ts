import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * The operator dashboard's files (bundled into dist/dashboard by the build) are served at `/`
 * with a Content-Security-Policy that allows nothing but this origin: no inline scripts or
 * styles, no third-party hosts, no framing.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the build puts the dashboard, next to the compiled gateway (dist/apps/gateway/src). */
export function defaultDashboardDir(): string {
  return resolve(__dirname, '..', '..', '..', '..', 'dashboard');
}

/** Serves the dashboard; returns false when it has not been built (the API still runs). */
export function serveDashboard(app: NestExpressApplication, dir: string): boolean {
  if (!existsSync(join(dir, 'index.html'))) return false;
  app.useStaticAssets(dir, {
    index: 'index.html',
    fallthrough: true,
    // index.html always revalidates; the bundle is small and rebuilt in place, so it does too.
    maxAge: 0,
    setHeaders: (res: Response) => {
      res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Cache-Control', 'no-cache');
    },
  });
  return true;
}
