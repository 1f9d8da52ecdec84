// Extension of the protocol: a user's own certificate life cycle (docs/protocol.md, "Extensions").
import * as v from 'valibot';

export const renewRequestSchema = v.object({
  csr: v.pipe(v.string('Attach a certificate request (PEM) for your new key.'), v.trim(), v.nonEmpty('Attach a certificate request (PEM) for your new key.'), v.maxLength(32 * 1024, 'The certificate request is too large.')),
  reason: v.optional(v.picklist(['superseded', 'keyCompromise'], 'The reason is "superseded" (default) or "keyCompromise".'), 'superseded'),
});

export const revokeRequestSchema = v.object({
  reason: v.optional(
    v.picklist(['keyCompromise', 'cessationOfOperation', 'affiliationChanged', 'unspecified'], 'The reason is one of keyCompromise, cessationOfOperation, affiliationChanged, unspecified.'),
    'keyCompromise',
  ),
});
