// GET /assets/<name>: styles, icons, the browser script and htmx, from src/web/assets.ts.
// A URL carrying the current content version (`?v=`, as assetUrl writes it) may be cached for a
// year; any other is revalidated every time with its ETag (304 when unchanged).
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import * as v from 'valibot';
import { ASSET_NAME, asset } from '../assets.ts';

const Query = v.object({
  name: v.pipe(v.string(), v.maxLength(256), v.regex(ASSET_NAME)),
  v: v.optional(v.string()),
});

export function staticRoutes(): Hono {
  const app = new Hono();
  app.use('/assets/*', etag());
  app.get('/assets/*', (c) => {
    const parsed = v.safeParse(Query, { name: c.req.path.slice('/assets/'.length), v: c.req.query('v') });
    // A name that cannot be an asset is simply not found: nothing to tell the caller.
    if (!parsed.success) return c.notFound();
    const found = asset(parsed.output.name);
    if (!found) return c.notFound();
    const pinned = parsed.output.v === found.version;
    return c.body(found.body, 200, {
      'content-type': found.type,
      etag: found.etag,
      'cache-control': pinned ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
  return app;
}
