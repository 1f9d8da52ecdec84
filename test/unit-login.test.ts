// LoginService (src/auth/login.ts) against in-memory fakes of the records, directory, sessions and
// activity: users enrolled in process by a real CA, challenges signed with WebCrypto keys.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginService } from '../src/auth/login.ts';
import { Challenges } from '../src/auth/challenges.ts';
import { Sessions } from '../src/auth/sessions.ts';
import { Activity } from '../src/auth/activity.ts';
import { Enrollment } from '../src/usecases/enrollment.ts';
import { UserIssuer } from '../src/pki/issue.ts';
import { PROFILES } from '../src/pki/profiles.ts';
import { CertificateRejected, DomainError } from '../src/protocol/errors.ts';
import { generateKey, signPss, type NewKey } from '../src/client/keys.ts';
import { makeCsr } from '../src/client/csr.ts';
import { testCa, type TestCa } from './helpers/ca.ts';
import { FakeCertificateRecords } from './fakes/certificate-records.ts';
import { FakeDirectory } from './fakes/directory.ts';
import { FakeSessionStore } from './fakes/sessions.ts';
import { FakeActivity } from './fakes/activity.ts';

const NOW = new Date();
const PASSWORD = 'correct horse battery staple';
let ca: TestCa;
let aliceKey: NewKey;
let bobKey: NewKey;

before(async () => {
  [ca, aliceKey, bobKey] = await Promise.all([testCa(), generateKey(), generateKey()]);
});

async function world() {
  const records = new FakeCertificateRecords();
  const directory = new FakeDirectory();
  const sessionStore = new FakeSessionStore();
  const now = () => NOW;
  const issuer = new UserIssuer({ ca: ca.ca, profile: PROFILES.user, publicUrl: 'http://127.0.0.1:1', days: 365, now });
  const enrollment = new Enrollment({ issuer, records, directory, passwordIterations: 1000 });
  const enroll = (login: string, key: NewKey, card: string) =>
    makeCsr(key, login).then((csr) => enrollment.enroll({ login, cardNumber: card, firstName: 'T', lastName: 'U', email: `${login}@example.org`, password: PASSWORD, csr }));
  const alice = await enroll('alice', aliceKey, '10000001');
  const bob = await enroll('bob', bobKey, '10000002');
  const challenges = new Challenges(() => NOW.getTime());
  const service = new LoginService({
    ca: ca.ca,
    records,
    directory,
    challenges,
    sessions: new Sessions(sessionStore, now),
    passwordIterations: 1000,
    now,
    activity: new Activity({ store: new FakeActivity(), exists: async (l) => !!(await directory.get(l)), now, onError: (e) => assert.fail(String(e)) }),
  });
  const sign = async (key: NewKey, challenge: string) => Buffer.from(await signPss(key.privateKeys.sign, new TextEncoder().encode(challenge))).toString('base64');
  /** A well-formed request for `login`, with a fresh challenge signed by `key`. */
  const attempt = async (o: { login?: string; password?: string; certificate?: string; key?: NewKey } = {}) => {
    const login = o.login ?? 'alice';
    const { challenge } = await challenges.issue(login);
    return service.login({ login, password: o.password ?? PASSWORD, certificate: o.certificate ?? alice.certificate, challenge, signature: await sign(o.key ?? aliceKey, challenge) });
  };
  return { records, directory, sessionStore, challenges, service, alice, bob, attempt, sign };
}

const rejectedFor = (reason: string) => (err: unknown) => {
  assert.ok(err instanceof CertificateRejected, String(err));
  assert.equal(err.reason, reason);
  return true;
};

describe('LoginService.login', () => {
  it('opens a session for the right password, current certificate and signed challenge', async () => {
    const w = await world();
    const out = await w.attempt();
    assert.equal(out.login, 'alice');
    assert.equal(out.serial, w.alice.serial);
    const stored = w.sessionStore.all();
    assert.equal(stored.length, 1);
    assert.equal(stored[0].login, 'alice');
    assert.equal(stored[0].certSerial, w.alice.serial);
    assert.notEqual(stored[0].tokenHash, out.token, 'only the hash of the token is stored');
    const session = await new Sessions(w.sessionStore, () => NOW).find(out.token);
    assert.equal(session?.login, 'alice');
  });

  it('answers a wrong password and an unknown login alike (invalid_credentials), opening nothing', async () => {
    const w = await world();
    const errors: DomainError[] = [];
    for (const o of [{ password: 'not the password at all' }, { login: 'nobody' }]) {
      await assert.rejects(w.attempt(o), (err: unknown) => {
        assert.ok(err instanceof DomainError && !(err instanceof CertificateRejected));
        assert.equal(err.code, 'invalid_credentials');
        errors.push(err);
        return true;
      });
    }
    assert.deepEqual(errors[0].toJSON(), errors[1].toJSON());
    assert.equal(w.sessionStore.all().length, 0);
  });

  it("refuses another login's certificate (not_owner), even with its key's signature", async () => {
    const w = await world();
    await assert.rejects(w.attempt({ certificate: w.bob.certificate, key: bobKey }), rejectedFor('not_owner'));
    assert.equal(w.sessionStore.all().length, 0);
  });

  it('refuses a revoked certificate (revoked)', async () => {
    const w = await world();
    assert.ok(await w.records.revoke(w.alice.serial, 'keyCompromise', NOW.toISOString()));
    await assert.rejects(w.attempt(), (err: unknown) => rejectedFor('revoked')(err) && (err as DomainError).extra?.revocationReason === 'keyCompromise');
    assert.equal(w.sessionStore.all().length, 0);
  });

  it('refuses a challenge signature that does not verify, or a challenge not issued or used up (bad_signature)', async () => {
    const w = await world();
    await assert.rejects(w.attempt({ key: bobKey }), rejectedFor('bad_signature'));
    const { challenge } = await w.challenges.issue('alice');
    const signature = await w.sign(aliceKey, challenge + 'x');
    await assert.rejects(w.service.login({ login: 'alice', password: PASSWORD, certificate: w.alice.certificate, challenge, signature }), rejectedFor('bad_signature'));
    // That challenge is used up now, even signed properly.
    await assert.rejects(
      w.service.login({ login: 'alice', password: PASSWORD, certificate: w.alice.certificate, challenge, signature: await w.sign(aliceKey, challenge) }),
      rejectedFor('bad_signature'),
    );
    assert.equal(w.sessionStore.all().length, 0);
    await w.attempt(); // and a fresh one is fine
    assert.equal(w.sessionStore.all().length, 1);
  });
});
