// Protocol §1: the authority's public documents (mounted under /ca).
import { Hono } from 'hono';
import type { Authority } from '../../pki/authority.ts';

const PEM = 'application/x-pem-file';

export function caRoutes(ca: Authority): Hono {
  const app = new Hono();
  app.get('/root.pem', (c) => c.body(ca.rootPem, 200, { 'content-type': PEM }));
  app.get('/chain.pem', (c) => c.body(ca.chainPem, 200, { 'content-type': PEM }));
  app.get('/intermediate.pem', (c) => c.body(ca.intermediate.toString('pem') + '\n', 200, { 'content-type': PEM }));
  // AIA caIssuers points here: DER, as RFC 5280 §4.2.2.1 asks.
  app.get('/intermediate.cer', (c) =>
    c.body(new Uint8Array(ca.intermediate.rawData), 200, { 'content-type': 'application/pkix-cert' }),
  );
  app.get('/fingerprints', (c) => c.json({ root: ca.rootFingerprint, intermediate: ca.intermediateFingerprint }));
  return app;
}
