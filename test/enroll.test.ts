// Protocol §2 through the real server: openssl-made requests, curl-style JSON and multipart,
// every validation rule, conflicts, limits, and what the issued certificate holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { startServer, type Running } from './helpers/server.ts';
import { makeCsr, openssl, writeTemp } from './helpers/openssl.ts';
import { exponentOneCsr } from './helpers/weak-rsa.ts';
import { enrollBody, postJson, uniqueUser } from './helpers/users.ts';
import { x509 } from '../src/pki/x509.ts';

let server: Running;
const enroll = (body: unknown) => postJson(`${server.url}/api/v1/enroll`, body);

function counts(): { users: number; certificates: number } {
  const db = new DatabaseSync(join(server.dataDir, 'tekup.db'), { readOnly: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return { users: one('SELECT count(*) AS n FROM users'), certificates: one('SELECT count(*) AS n FROM certificates') };
  } finally {
    db.close();
  }
}

before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

describe('a valid enrollment', () => {
  it('accepts JSON with an openssl RSA-2048 CSR and returns a certificate openssl verifies against the chain', async () => {
    const { body } = enrollBody('alice');
    const res = await enroll(body);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.deepEqual(Object.keys(res.json).sort(), ['certificate', 'chain', 'fingerprint', 'login', 'notAfter', 'serial']);
    assert.equal(res.json.login, body.login);
    assert.match(res.json.serial, /^[0-9a-f]{16,}$/);
    assert.match(res.json.notAfter, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const root = await (await fetch(`${server.url}/ca/root.pem`)).text();
    const chain = await (await fetch(`${server.url}/ca/chain.pem`)).text();
    assert.equal(chain, res.json.chain);
    const certFile = writeTemp('user.pem', res.json.certificate);
    const rootFile = writeTemp('root.pem', root);
    const chainFile = writeTemp('chain.pem', chain);
    assert.match(openssl(['verify', '-CAfile', rootFile, '-untrusted', chainFile, certFile]), /: OK/);
    // the fingerprint is the SHA-256 of the DER
    const fp = openssl(['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256']).split('=')[1].trim().replace(/:/g, '').toLowerCase();
    assert.equal(res.json.fingerprint, fp);
    const serial = openssl(['x509', '-in', certFile, '-noout', '-serial']).split('=')[1].trim().toLowerCase();
    assert.equal(serial, res.json.serial);
    assert.ok(serial.length * 4 >= 64, 'serial has at least 64 bits');
  });

  it('writes the exact subject, SAN and extensions itself and never the card number', async () => {
    const { body } = enrollBody('zoe');
    body.firstName = 'Zoë';
    body.lastName = "Ben Salah-O'Neil";
    const res = await enroll(body);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const certFile = writeTemp('user.pem', res.json.certificate);
    const text = openssl(['x509', '-in', certFile, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space']);
    assert.match(text, new RegExp(`Subject: UID=${body.login}, CN=Zoë Ben Salah-O'Neil, O=TEKUP_chat\\n`));
    assert.match(text, /Issuer: CN=TEKUP_chat Issuing CA 1, O=TEKUP_chat/);
    assert.match(text, new RegExp(`X509v3 Subject Alternative Name: \\n\\s+email:${body.email}\\n`));
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature, Non Repudiation, Key Encipherment\n/);
    assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication, E-mail Protection\n/);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
    assert.match(text, /X509v3 Subject Key Identifier: \n\s+[0-9A-F:]{59}\n/);
    assert.match(text, /X509v3 Authority Key Identifier: \n\s+[0-9A-F:]{59}\n/);
    assert.match(text, new RegExp(`X509v3 CRL Distribution Points: \\n[\\s\\S]*URI:http://127.0.0.1:${server.port}/ca/crl\\n`));
    assert.match(text, new RegExp(`OCSP - URI:http://127.0.0.1:${server.port}/ocsp\\n`));
    assert.match(text, new RegExp(`CA Issuers - URI:http://127.0.0.1:${server.port}/ca/intermediate.cer\\n`));
    // SKI of the issuer equals the AKI of the leaf
    const interFile = writeTemp('inter.pem', res.json.chain.split(/(?<=-----END CERTIFICATE-----\n)/)[0]);
    const ski = /Subject Key Identifier: \n\s+(\S+)/.exec(openssl(['x509', '-in', interFile, '-noout', '-text']))![1];
    assert.match(text, new RegExp(`Authority Key Identifier: \\n\\s+(keyid:)?${ski}`));
    assert.ok(!text.includes(body.cardNumber), 'card number is not in the certificate text');
    const der = Buffer.from(res.json.certificate.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    assert.ok(!der.includes(Buffer.from(body.cardNumber)), 'card number is not in the DER');
    assert.ok(!der.includes(Buffer.from(body.password)), 'password is not in the DER');
  });

  it('accepts multipart/form-data with the CSR uploaded as a file, as curl -F csr=@file sends it', async () => {
    const { body, key } = enrollBody('multi');
    const form = new FormData();
    for (const [k, v] of Object.entries(body)) if (k !== 'csr') form.set(k, v);
    form.set('csr', new Blob([readFileSync(key.csrFile)], { type: 'application/octet-stream' }), 'req.pem');
    const res = await fetch(`${server.url}/api/v1/enroll`, { method: 'POST', body: form });
    const json: any = await res.json();
    assert.equal(res.status, 201, JSON.stringify(json));
    assert.equal(json.login, body.login);
  });

  it('accepts a CSR whose subject names the applicant (UID, CN, email) and still writes its own subject', async () => {
    const u = uniqueUser('named');
    const { csr } = makeCsr(`/UID=${u.login}/CN=${u.firstName} ${u.lastName}/emailAddress=${u.email}/OU=Ignored Unit`);
    const res = await enroll({ ...u, csr });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.ok(!('ignored' in res.json), 'nothing of theirs was left out');
    const text = openssl(['x509', '-in', writeTemp('c.pem', res.json.certificate), '-noout', '-subject', '-nameopt', 'sep_comma_plus_space']);
    assert.equal(text.trim(), `subject=UID=${u.login}, CN=${u.firstName} ${u.lastName}, O=TEKUP_chat`);
  });

  it('accepts a CSR naming someone else, writes only the applicant, and lists the names it ignored', async () => {
    const u = uniqueUser('others');
    const { keyFile } = makeCsr();
    const csr = openssl(['req', '-new', '-key', keyFile, '-subj', '/UID=admin/CN=Administrator/emailAddress=boss@example.org/O=Evil Corp', '-addext', 'subjectAltName=email:ceo@example.org,DNS:example.org']);
    const res = await enroll({ ...u, csr });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.deepEqual(res.json.ignored, [
      'subject UID=admin',
      'subject CN=Administrator',
      'subject emailAddress=boss@example.org',
      'subjectAltName email:ceo@example.org',
      'subjectAltName dns:example.org',
    ]);
    const certFile = writeTemp('c.pem', res.json.certificate);
    const subject = openssl(['x509', '-in', certFile, '-noout', '-subject', '-nameopt', 'sep_comma_plus_space']);
    assert.equal(subject.trim(), `subject=UID=${u.login}, CN=${u.firstName} ${u.lastName}, O=TEKUP_chat`);
    const san = openssl(['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']);
    assert.equal(san.trim().split('\n').pop()!.trim(), `email:${u.email}`);
  });
});

describe('bad input is refused with the field named and changes nothing', () => {
  const badField = async (field: string, value: unknown, expectedError = 'validation') => {
    const before = counts();
    const { body } = enrollBody('bad');
    const res = await enroll({ ...body, [field]: value });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.error, expectedError);
    assert.equal(typeof res.json.message, 'string');
    assert.equal(typeof res.json.fields?.[field], 'string', `fields.${field} in ${JSON.stringify(res.json)}`);
    assert.deepEqual(counts(), before);
    return res.json;
  };

  for (const [label, value] of [
    ['7 digits', '1234567'],
    ['9 digits', '123456789'],
    ['letters', '1234abcd'],
    ['missing', undefined],
    ['a number, not a string', 12345678],
  ] as const) {
    it(`card number: ${label}`, () => badField('cardNumber', value));
  }
  for (const [label, value] of [
    ['empty', ''],
    ['digits', 'Alice2'],
    ['65 letters', 'A'.repeat(65)],
    ['markup', '<b>Bob</b>'],
    ['a control character', 'Ali\u0001ce'],
    ['NUL', 'Ali\u0000ce'],
    ['a C1 control', 'Ali\u0085ce'],
    ['a lone surrogate', 'Ali\ud800ce'],
    ['a right-to-left override', 'Ali\u202ece'],
  ] as const) {
    it(`first name: ${label}`, () => badField('firstName', value));
    it(`last name: ${label}`, () => badField('lastName', value));
  }
  for (const [label, value] of [
    ['too short', 'ab'],
    ['33 characters', 'a'.repeat(33)],
    ['starts with a digit', '1alice'],
    ['a letter outside a-z', 'alïce'],
    ['space', 'al ice'],
    ['LDAP metacharacters', 'a*)(uid=*'],
  ] as const) {
    it(`login: ${label}`, () => badField('login', value));
  }
  for (const [label, value] of [
    ['no @', 'alice.example.org'],
    ['two @', 'a@b@example.org'],
    ['no dot in domain', 'alice@localhost'],
    ['255 characters', `${'a'.repeat(243)}@example.org`],
    ['two dots in a row', 'a..b@example.org'],
    ['a hyphen ending a domain label', 'alice@example-.org'],
  ] as const) {
    it(`email: ${label}`, () => badField('email', value));
  }
  // An rfc822Name is an IA5String: none of these could be written into the certificate as given.
  for (const [label, value] of [
    ['Latin-1 é', 'zoé@example.org'],
    ['NUL', 'ali\u0000ce@example.org'],
    ['U+0001', 'ali\u0001ce@example.org'],
    ['DEL', 'ali\u007fce@example.org'],
    ['a lone surrogate', 'ali\ud800ce@example.org'],
    ['a non-ASCII domain', 'alice@exämple.org'],
  ] as const) {
    it(`email: ${label}`, async () => {
      const json = await badField('email', value);
      assert.match(json.fields.email, /plain ASCII/);
    });
  }
  it('password: shorter than 12 characters', () => badField('password', 'Sh0rt!pass'));
  it('password: a common password', () => badField('password', 'password1234'));
  it('password: one character repeated', () => badField('password', 'zzzzzzzzzzzzzzzz'));
  it('password: equal to the login', async () => {
    const before = counts();
    const { body } = enrollBody('samepass');
    body.login = 'samepassword1';
    body.password = 'samepassword1';
    const res = await enroll(body);
    assert.equal(res.status, 400);
    assert.match(res.json.fields.password, /login/);
    assert.deepEqual(counts(), before);
  });

  it('CSR: garbage PEM', () => badField('csr', '-----BEGIN CERTIFICATE REQUEST-----\nnot base64 at all!\n-----END CERTIFICATE REQUEST-----\n', 'bad_csr'));
  it('CSR: not PEM at all', () => badField('csr', 'hello', 'bad_csr'));
  it('CSR: a certificate instead of a request', async () => {
    const root = await (await fetch(`${server.url}/ca/root.pem`)).text();
    await badField('csr', root, 'bad_csr');
  });
  it('CSR: the self-signature does not verify', async () => {
    const { csr } = makeCsr();
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 10] ^= 0xff; // inside the signature value
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    const json = await badField('csr', pem, 'bad_csr');
    assert.match(json.fields.csr, /signature/);
  });
  it('CSR: RSA-1024 key', async () => {
    const json = await badField('csr', makeCsr(undefined, ['-newkey', 'rsa:1024']).csr, 'bad_csr');
    assert.match(json.fields.csr, /1024 bits/);
  });
  it('CSR: EC P-256 key', async () => {
    const json = await badField('csr', makeCsr(undefined, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']).csr, 'bad_csr');
    assert.match(json.fields.csr, /EC key/);
  });
  it('CSR: an RSA key with public exponent 3 (made by openssl)', async () => {
    const weak = makeCsr(undefined, ['-newkey', 'rsa:2048', '-pkeyopt', 'rsa_keygen_pubexp:3']);
    assert.match(openssl(['req', '-in', weak.csrFile, '-noout', '-text']), /Exponent: 3 \(0x3\)/);
    const json = await badField('csr', weak.csr, 'bad_csr');
    assert.equal(json.fields.csr, "The request's RSA public exponent is 3; use a key with exponent 65537.");
  });
  it('CSR: an RSA key with public exponent 1, whose self-signature anyone can forge', async () => {
    const csr = exponentOneCsr();
    assert.match(openssl(['req', '-in', writeTemp('e1.pem', csr), '-noout', '-verify', '-text'], undefined), /Exponent: 1 \(0x1\)/);
    const json = await badField('csr', csr, 'bad_csr');
    assert.equal(json.message, "The request's RSA public exponent is 1; use a key with exponent 65537.");
    assert.equal(json.fields.csr, json.message);
  });
  it('CSR: an even RSA modulus', async () => {
    const json = await badField('csr', exponentOneCsr((1n << 2047n) + 2n), 'bad_csr');
    assert.match(json.fields.csr, /modulus is even/);
  });
  for (const name of ['subjectAltName', 'basicConstraints']) {
    it(`CSR: a malformed ${name} extension (openssl -addext ${name}=DER:0500) is bad_csr naming it, not a server error`, async () => {
      const { keyFile } = makeCsr();
      const csr = openssl(['req', '-new', '-key', keyFile, '-subj', '/O=Somewhere', '-addext', `${name}=DER:0500`]);
      const json = await badField('csr', csr, 'bad_csr');
      assert.match(json.fields.csr, new RegExp(`^The request's ${name} extension could not be read`));
      // Alongside other failing fields too (the request is then checked on its own).
      const { body } = enrollBody('badext');
      const res = await enroll({ ...body, login: 'X', csr });
      assert.equal(res.status, 400);
      assert.equal(res.json.error, 'validation');
      assert.match(res.json.fields.csr, new RegExp(`${name} extension could not be read`));
    });
  }

  it('reports every failing field at once, the CSR included', async () => {
    const before = counts();
    const res = await enroll({ cardNumber: '12', firstName: '', lastName: 'X1', login: 'A', email: 'nope', password: 'short', csr: 'junk' });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, 'validation');
    assert.deepEqual(Object.keys(res.json.fields).sort(), ['cardNumber', 'csr', 'email', 'firstName', 'lastName', 'login', 'password']);
    assert.deepEqual(counts(), before);
  });

  it('never echoes the password in an error', async () => {
    const { body } = enrollBody('echo');
    const secret = 'Unique-Secret-Passphrase-42';
    const res = await enroll({ ...body, password: secret, login: 'X' });
    assert.equal(res.status, 400);
    assert.ok(!JSON.stringify(res.json).includes(secret));
  });

  it('a JSON array or invalid JSON is refused in the error shape', async () => {
    const res = await enroll([1, 2]);
    assert.equal(res.status, 400);
    assert.equal(res.json.error, 'malformed');
    const raw = await fetch(`${server.url}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":' });
    assert.equal(raw.status, 400);
    assert.equal(((await raw.json()) as any).error, 'malformed');
  });
});

describe('the email address in the certificate is exactly the one validated', () => {
  it('refuses "\u0176ictim@…" (Ŷ, whose low byte is "v"): it would be written as the victim\'s address; no user is created', async () => {
    const victim = enrollBody('victim');
    assert.equal((await enroll(victim.body)).status, 201);
    assert.match(victim.body.email, /^v/);
    const before = counts();
    const attacker = enrollBody('mallory');
    const res = await enroll({ ...attacker.body, email: `\u0176${victim.body.email.slice(1)}` });
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.error, 'validation');
    assert.match(res.json.fields.email, /plain ASCII/);
    assert.deepEqual(counts(), before);
    const db = new DatabaseSync(join(server.dataDir, 'tekup.db'), { readOnly: true });
    try {
      assert.equal(db.prepare('SELECT count(*) AS n FROM users WHERE login = ?').get(attacker.body.login)!.n, 0);
    } finally {
      db.close();
    }
  });

  it('writes an address with RFC 5321 symbols byte for byte as it was given, as openssl and @peculiar/x509 read it back', async () => {
    const { body } = enrollBody('symbols');
    body.email = `${body.login}+chat!o'k_%{x}@mail.example-1.org`;
    const res = await enroll(body);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const text = openssl(['x509', '-in', writeTemp('c.pem', res.json.certificate), '-noout', '-ext', 'subjectAltName']);
    assert.equal(text.trim().split('\n').pop()!.trim(), `email:${body.email}`);
    const cert = new x509.X509Certificate(res.json.certificate);
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension)!;
    assert.deepEqual(san.names.toJSON(), [{ type: 'email', value: body.email }]);
    const der = Buffer.from(cert.rawData);
    assert.ok(der.includes(Buffer.concat([Buffer.from([0x81, body.email.length]), Buffer.from(body.email, 'ascii')])), 'the rfc822Name holds the ASCII bytes');
  });
});

describe('one key, one identity', () => {
  it('a second login with the same CSR (so the same key) is 400 bad_csr and creates no user', async () => {
    const key = makeCsr();
    assert.equal((await enroll(enrollBody('onekey', key).body)).status, 201);
    const before = counts();
    const second = enrollBody('samekey', key);
    const res = await enroll(second.body);
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.error, 'bad_csr');
    assert.match(res.json.fields.csr, /^This key is already certified/);
    assert.deepEqual(counts(), before);
    // Also when other fields fail: the CSR's problem is among them.
    const both = await enroll({ ...second.body, login: 'X' });
    assert.equal(both.status, 400);
    assert.match(both.json.fields.csr, /already certified/);
  });

  it('three concurrent registrations with one key: exactly one gets a certificate', async () => {
    const key = makeCsr();
    const before = counts();
    const answers = await Promise.all([0, 1, 2].map(() => enroll(enrollBody('keyrace', key).body)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 400, 400], JSON.stringify(answers.map((a) => a.json)));
    for (const a of answers.filter((x) => x.status === 400)) assert.equal(a.json.error, 'bad_csr');
    assert.deepEqual(counts(), { users: before.users + 1, certificates: before.certificates + 1 });
  });
});

describe('uniqueness, size and media type', () => {
  for (const field of ['login', 'email', 'cardNumber'] as const) {
    it(`a second registration with the same ${field} gets 409 naming it`, async () => {
      const first = enrollBody('dup');
      assert.equal((await enroll(first.body)).status, 201);
      const before = counts();
      const second = enrollBody('dup2');
      const value = field === 'email' ? first.body.email.toUpperCase() : first.body[field];
      const res = await enroll({ ...second.body, [field]: value });
      assert.equal(res.status, 409, JSON.stringify(res.json));
      assert.equal(res.json.error, 'conflict');
      assert.equal(res.json.field, field);
      assert.equal(typeof res.json.fields[field], 'string');
      assert.deepEqual(counts(), before);
    });
  }

  it('a second registration with login, email and card number all taken gets one 409 naming all three', async () => {
    const first = enrollBody('trio');
    assert.equal((await enroll(first.body)).status, 201);
    const before = counts();
    const second = enrollBody('trio2');
    const res = await enroll({ ...second.body, login: first.body.login, email: first.body.email.toUpperCase(), cardNumber: first.body.cardNumber });
    assert.equal(res.status, 409, JSON.stringify(res.json));
    assert.equal(res.json.error, 'conflict');
    assert.equal(res.json.field, 'login', 'version 1 clients read the first one');
    assert.deepEqual(Object.keys(res.json.fields).sort(), ['cardNumber', 'email', 'login']);
    assert.equal(res.json.fields.login, 'This login is taken; choose another one.');
    assert.equal(res.json.fields.email, 'An account already uses this email address.');
    assert.equal(res.json.fields.cardNumber, 'An account is already registered with this card number.');
    assert.deepEqual(counts(), before);
  });

  it('a 65 KiB body gets 413', async () => {
    const before = counts();
    const { body } = enrollBody('big');
    const res = await enroll({ ...body, padding: 'x'.repeat(65 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.json.error, 'payload_too_large');
    assert.deepEqual(counts(), before);
  });

  it('text/plain gets 415', async () => {
    const res = await fetch(`${server.url}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as any).error, 'unsupported_media_type');
  });
});

describe('the authority on disk', () => {
  it('keeps CA keys mode 0600 and reuses them after a restart (same root fingerprint)', async () => {
    const s = await startServer({ freshCa: true });
    try {
      for (const f of ['root.key', 'intermediate.key']) {
        assert.equal(statSync(join(s.dataDir, 'ca', f)).mode & 0o777, 0o600, f);
      }
      const root1 = await (await fetch(`${s.url}/ca/root.pem`)).text();
      const chain1 = await (await fetch(`${s.url}/ca/chain.pem`)).text();
      assert.equal(await s.stop(), 0);
      const s2 = await startServer({ dataDir: s.dataDir });
      try {
        assert.equal(await (await fetch(`${s2.url}/ca/root.pem`)).text(), root1);
        assert.equal(await (await fetch(`${s2.url}/ca/chain.pem`)).text(), chain1);
      } finally {
        await s2.stop();
      }
      const text = openssl(['x509', '-in', join(s.dataDir, 'ca', 'root.pem'), '-noout', '-text']);
      assert.match(text, /CA:TRUE, pathlen:1/);
      assert.match(text, /Key Usage: critical\n\s+Certificate Sign, CRL Sign/);
      const inter = openssl(['x509', '-in', join(s.dataDir, 'ca', 'intermediate.pem'), '-noout', '-text']);
      assert.match(inter, /CA:TRUE, pathlen:0/);
    } finally {
      await s.stop();
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once an address exceeds the enrollment limit', async () => {
    const s = await startServer({ env: { TEKUP_ENROLL_PER_MINUTE: '3' } });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await postJson(`${s.url}/api/v1/enroll`, { login: 'x' });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [400, 400, 400, 429]);
      assert.equal(last!.json.error, 'rate_limited');
      assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    } finally {
      await s.stop();
    }
  });
});
