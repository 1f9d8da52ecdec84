// GET /assets/<name> (mounted under /assets): styles, icons, the browser script and htmx, from src/web/assets.ts.
// A URL carrying the current content version (`?v=`, as assetUrl writes it) may be cached for a
// year; any other is revalidated every time with its ETag (304 when unchanged).
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import * as v from 'valibot';
import { ASSET_NAME, asset } from '../assets.ts';
import { validParam, validQuery } from '../validate.ts';

const Name = v.object({ name: v.pipe(v.string(), v.maxLength(256), v.regex(ASSET_NAME)) });
/** Only a `v` equal to the asset's version pins it; any other (or several) is no pin at all. */
const Query = v.object({ v: v.fallback(v.optional(v.string()), undefined) });

export function staticRoutes(): Hono {
  const app = new Hono();
  app.use('*', etag());
  // A name that cannot be an asset is simply not found: nothing to tell the caller.
  const name = validParam(Name, (_fields, c) => c.notFound());
  app.get('/:name{.+}', name, validQuery(Query), (c) => {
    const found = asset(c.req.valid('param').name);
    if (!found) return c.notFound();
    const pinned = c.req.valid('query').v === found.version;
    return c.body(found.body, 200, {
      'content-type': found.type,
      etag: found.etag,
      'cache-control': pinned ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
  return app;
}
