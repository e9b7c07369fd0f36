// Static assets: our stylesheet and the design tokens, read once at start and served with a long cache;
// the URLs carry a content hash, so a new version is a new URL.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);

interface Asset {
  body: string;
  hash: string;
  type: string;
}

function asset(path: string, type: string): Asset {
  const body = readFileSync(path, 'utf8');
  return { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 10) };
}

// A Map, not an object: a name such as __proto__ or toString must be an unknown asset (404), never an
// inherited property served with a year-long cache.
const assets = new Map<string, Asset>([
  ['tokens.css', asset(require.resolve('@digital-go-jp/design-tokens/dist/tokens.css'), 'text/css; charset=utf-8')],
  ['site.css', asset(new URL('./static/site.css', import.meta.url).pathname, 'text/css; charset=utf-8')],
]);

export function assetUrl(name: 'tokens.css' | 'site.css'): string {
  return `/static/${name}?v=${assets.get(name)!.hash}`;
}

export const staticRoutes = new Hono();
staticRoutes.get('/:name', (c) => {
  const a = assets.get(c.req.param('name'));
  if (!a) return c.notFound();
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  c.header('Content-Type', a.type);
  c.header('ETag', `"${a.hash}"`);
  if (c.req.header('if-none-match') === `"${a.hash}"`) return c.body(null, 304);
  return c.body(a.body);
});
