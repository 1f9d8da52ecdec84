// The recipient catches a replayed message id even when the server would pass it on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayGuard } from '../src/client/replay.ts';
import { generateKey } from '../src/client/keys.ts';
import { makeEnvelope } from '../src/client/envelope.ts';

describe('recipient replay check', () => {
  it('flags an id seen before: the same envelope as a duplicate, other content under the same id as a replay', async () => {
    const guard = new ReplayGuard();
    assert.equal(guard.check('a', 'sig1'), 'new');
    assert.equal(guard.check('a', 'sig1'), 'duplicate');
    assert.equal(guard.check('a', 'sig2'), 'replay');
    assert.equal(guard.check('b', 'sig1'), 'new');
  });

  it('a genuine envelope delivered twice opens both times but only counts once', async () => {
    const k = await generateKey();
    k.forget();
    const e = await makeEnvelope({
      from: 'alice',
      to: 'bob',
      text: 'once',
      senderCertSerial: '01',
      signKey: k.privateKeys.sign,
      recipientPublicKey: k.publicKeys.encrypt,
      senderPublicKey: k.publicKeys.encrypt,
    });
    const guard = new ReplayGuard();
    const verdicts = [e, structuredClone(e)].map((x) => guard.check(x.id, x.sig));
    assert.deepEqual(verdicts, ['new', 'duplicate']);
  });
});
