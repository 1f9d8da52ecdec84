// Protocol §1: revocation status, public and without login — the CRL (`GET /ca/crl`, plus a PEM
// copy) and the OCSP responder (`POST /ocsp`, plus the GET form of RFC 6960 Appendix A.1, whose
// pre-produced answers carry the cache headers of RFC 5019 §6).
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { OCSPResponseStatus } from '@peculiar/asn1-ocsp';
import type { CrlPublisher } from '../../pki/crl.ts';
import { statusOnlyResponse, type OcspAnswer, type OcspResponder } from '../../pki/ocsp.ts';
import type { Log } from '../../log.ts';
import { readBytes } from '../body.ts';
import { requestHeader } from '../request-header.ts';
import { requestLanguage } from '../i18n.ts';
import { headersOnRefusals, limitBody, securityHeaderRecord } from '../security.ts';

const OCSP_RESPONSE = 'application/ocsp-response';
/** GET requests remembered decoded: a single-certificate request's URL is ~200 characters. */
const DECODED_MAX = 1_000;
const DECODED_MAX_URL = 1_024;

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
  // Mounted ahead of the app's security-headers and language layers (src/http.ts): every answer
  // carries the headers itself, and each route's refusals get them from `refused`. A refusal's text
  // follows the reader's language like any other (protocol §0), so the routes that can refuse in
  // JSON take the language layer back; the GET form of OCSP answers everything in DER and never does.
  const security = securityHeaderRecord();
  const refused = headersOnRefusals();
  const language = requestLanguage();
  const withSecurity = async (own: Record<string, string>): Promise<Record<string, string>> => ({ ...(await security), ...own });
  /**
   * A pre-produced response's headers, written once for the thousands of requests it answers
   * while its max-age stays the same (it counts down by the second): the object is handed to
   * Node's writeHead as it is, and its content-length spares @hono/node-server from copying it
   * to add one.
   */
  const preparedHeaders = new WeakMap<Uint8Array, { maxAge: number; headers: Readonly<Record<string, string>> }>();

  // A new CRL appears the moment a revocation is recorded, so caches must check back every time.
  app.get('/ca/crl', refused, language, async () => {
    const current = await crl.current();
    return new Response(current.der.slice(), {
      headers: await withSecurity({ 'content-type': 'application/pkix-crl', 'cache-control': 'no-cache', 'last-modified': current.thisUpdate.toUTCString() }),
    });
  });
  app.get('/ca/crl.pem', refused, language, async () => {
    const current = await crl.current();
    return new Response(current.pem, { headers: await withSecurity({ 'content-type': 'application/x-pem-file', 'cache-control': 'no-cache' }) });
  });

  // RFC 6960 Appendix A: every answer, even to garbage, is an OCSPResponse with HTTP 200.
  const answer = async (c: Context, der: Uint8Array | undefined, cacheable: boolean) => {
    let got: OcspAnswer;
    try {
      got = der ? await ocsp.answer(der) : { der: statusOnlyResponse(OCSPResponseStatus.malformedRequest) };
    } catch (err) {
      log('ocsp failure', { error: (err as Error).name, detail: (err as Error).message });
      got = { der: statusOnlyResponse(OCSPResponseStatus.internalError) };
    }
    // RFC 5019 §6.2: a pre-produced response may be kept by HTTP caches until its nextUpdate, and
    // revalidated by its ETag. A nonce'd answer is for one requester, an error for nobody.
    const p = cacheable ? got.prepared : undefined;
    // A Response of its own rather than c.body: given more than one header, c.body builds a web
    // Headers object, which @hono/node-server then converts back, where a plain record goes to
    // Node's writeHead as it is (~8 µs of an answer's ~60 µs beyond a bare handler's).
    if (!p) return new Response(got.der.slice(), { headers: await withSecurity({ 'content-type': OCSP_RESPONSE, 'cache-control': 'no-store' }) });
    let kept = preparedHeaders.get(got.der);
    if (kept?.maxAge !== p.maxAge) {
      const headers = await withSecurity({
        'content-type': OCSP_RESPONSE,
        'content-length': String(got.der.byteLength),
        'last-modified': p.thisUpdate.toUTCString(),
        expires: p.nextUpdate.toUTCString(),
        etag: p.etag,
        'cache-control': `max-age=${p.maxAge}, public, no-transform, must-revalidate`,
      });
      preparedHeaders.set(got.der, (kept = { maxAge: p.maxAge, headers: Object.freeze(headers) }));
    }
    if (matchesEtag(requestHeader(c, 'if-none-match'), p.etag)) {
      const { 'content-length': _, ...headers } = kept.headers;
      return new Response(null, { status: 304, headers });
    }
    // A pre-produced response is never changed once signed: served as it is, not copied.
    return new Response(got.der as Uint8Array<ArrayBuffer>, { headers: kept.headers });
  };

  // HTTP caches keep no POST answer: clients that want cached answers use GET (RFC 5019 §5).
  // This group is mounted before the app's own body limit (src/http.ts), so it checks its own.
  app.post('/ocsp', refused, language, limitBody(), async (c) => answer(c, await readBytes(c), false));

  // RFC 6960 Appendix A.1: the request rides in the path, so HTTP caches can keep the answer.
  // Relying parties ask the same URL again and again (one per certificate): each is decoded once.
  const decoded = new Map<string, Uint8Array | undefined>();
  app.get('/ocsp/*', refused, async (c) => {
    const url = c.req.url;
    let der = decoded.get(url);
    if (der === undefined && !decoded.has(url)) {
      der = decodeGetRequest(new URL(url).pathname.slice('/ocsp/'.length));
      if (url.length <= DECODED_MAX_URL) {
        if (decoded.size >= DECODED_MAX) decoded.clear();
        decoded.set(url, der);
      }
    }
    return answer(c, der, true);
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

/** If-None-Match (RFC 9110 §13.1.2): `*`, or a list of entity tags compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
