// The application: public portal, staff workspace, JSON API and report downloads, each its own Hono app
// mounted here so the areas stay apart (the public side never imports admin code).
import { Hono, type Context } from 'hono';
import type { Database } from '../db/client.ts';
import type { AppEnv } from './env.ts';
import { languageMiddleware } from './i18n.ts';
import { securityHeaders } from './security.ts';
import { staticRoutes } from './static.ts';
import { publicRoutes } from './public/routes.tsx';
import { notFoundPage } from './public/page.tsx';
import { downloadRoutes } from './public/downloads.tsx';
import { adminRoutes } from './admin/routes.tsx';
import { apiRoutes } from './api/routes.ts';
import { reportRoutes } from '../report/routes.tsx';

export interface AppOptions {
  database: Database;
}

export function createApp({ database }: AppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', securityHeaders());
  app.use('*', async (c, next) => {
    c.set('database', database);
    await next();
  });
  app.use('*', languageMiddleware());
  app.route('/static', staticRoutes);
  app.route('/api', apiRoutes);
  app.route('/admin', adminRoutes);
  app.route('/', reportRoutes);
  app.route('/', downloadRoutes);
  app.route('/', publicRoutes);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: 'not_found', message: 'Not found' }, 404) : notFoundPage(c as Context<AppEnv>)));
  app.onError((err, c) => {
    // The message may carry internals; the person gets a plain apology, the log gets the detail.
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}:`, err);
    if (c.req.path.startsWith('/api/')) return c.json({ error: 'internal_error', message: 'Internal server error' }, 500);
    return c.html(
      '<!doctype html><html lang="ja"><meta charset="utf-8"><title>エラー</title><h1>エラーが発生しました</h1><p>時間をおいて再度お試しください。</p></html>',
      500,
    );
  });
  return app;
}
