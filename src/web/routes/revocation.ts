// Protocol §1: revocation status, public and without login — the CRL (`GET /ca/crl`, plus a PEM
// copy) and the OCSP responder (`POST /ocsp`, plus the GET form of RFC 6960 Appendix A.1).
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { OCSPResponseStatus } from '@peculiar/asn1-ocsp';
import type { CrlPublisher } from '../../pki/crl.ts';
import { statusOnlyResponse, type OcspResponder } from '../../pki/ocsp.ts';
import type { Log } from '../../log.ts';
import { readBytes } from '../body.ts';

const OCSP_RESPONSE = 'application/ocsp-response';

/**
 * The GET form's path segment: URL-encoded base64 (either alphabet) of a DER request, small. Not
 * a route validator (src/web/validate.ts): it is read from the raw path, undecoded, and RFC 6960
 * answers anything unreadable with a malformedRequest OCSPResponse, never the JSON error shape.
 */
const ocspGetSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(4096), v.regex(/^[A-Za-z0-9+/=_%-]+$/));

export interface RevocationRouteDeps {
  crl: CrlPublisher;
  ocsp: OcspResponder;
  log: Log;
}

export function revocationRoutes({ crl, ocsp, log }: RevocationRouteDeps): Hono {
  const app = new Hono();

  // A new CRL appears the moment a revocation is recorded, so caches must check back every time.
  app.get('/ca/crl', async (c) => {
    const current = await crl.current();
    return c.body(current.der.slice(), 200, {
      'content-type': 'application/pkix-crl',
      'cache-control': 'no-cache',
      'last-modified': current.thisUpdate.toUTCString(),
    });
  });
  app.get('/ca/crl.pem', async (c) => {
    const current = await crl.current();
    return c.body(current.pem, 200, { 'content-type': 'application/x-pem-file', 'cache-control': 'no-cache' });
  });

  // RFC 6960 Appendix A: every answer, even to garbage, is an OCSPResponse with HTTP 200.
  const answer = async (c: Context, der: Uint8Array | undefined, cacheControl: string) => {
    let body: Uint8Array;
    try {
      body = der ? await ocsp.respond(der) : statusOnlyResponse(OCSPResponseStatus.malformedRequest);
    } catch (err) {
      log('ocsp failure', { error: (err as Error).name, detail: (err as Error).message });
      body = statusOnlyResponse(OCSPResponseStatus.internalError);
      cacheControl = 'no-store';
    }
    return c.body(body.slice(), 200, { 'content-type': OCSP_RESPONSE, 'cache-control': cacheControl });
  };

  app.post('/ocsp', async (c) => answer(c, await readBytes(c), 'no-store'));

  // The request rides in the path, so it may be cached by HTTP caches for a short while
  // (a nonce-less answer is reused by the responder for as long anyway).
  app.get('/ocsp/*', async (c) => {
    const raw = new URL(c.req.url).pathname.slice('/ocsp/'.length);
    return answer(c, decodeGetRequest(raw), 'public, max-age=60, no-transform');
  });

  return app;
}

function decodeGetRequest(raw: string): Uint8Array | undefined {
  const parsed = v.safeParse(ocspGetSchema, raw);
  if (!parsed.success) return undefined;
  try {
    const b64 = decodeURIComponent(parsed.output).replace(/-/g, '+').replace(/_/g, '/');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
    return new Uint8Array(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
}
