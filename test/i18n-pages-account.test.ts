// The account area of the pages in French (issue 24): /certificate, the public /authority page and
// its check, the device request dialog and how someone else's certificate is described. French
// where the reader asks for it (cookie or Accept-Language), with its plurals, its no-break spaces
// and dates set inside the sentence; English, word for word as before, for everyone else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { enrollUser, loginAs, type Enrolled } from './helpers/login.ts';
import { postJson } from './helpers/users.ts';

const NBSP = '\u00a0';
const DAY = 86_400_000;

let srv: InProcess;
let alice: Enrolled;
let bob: Enrolled;
let carol: Enrolled;
let token: string;
before(async () => {
  srv = await startInProcess();
  alice = await enrollUser(srv.url, 'fracc');
  bob = await enrollUser(srv.url, 'fraccb');
  carol = await enrollUser(srv.url, 'fraccr');
  token = await loginAs(srv.url, alice);
  const revoked = await postJson(`${srv.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, { authorization: `Bearer ${await loginAs(srv.url, carol)}` });
  assert.equal(revoked.status, 200);
});
after(async () => {
  await srv.close();
});

async function page(path: string, headers: Record<string, string>, init: RequestInit = {}): Promise<string> {
  const res = await fetch(`${srv.url}${path}`, { ...init, headers, redirect: 'manual' });
  assert.equal(res.status, 200, path);
  return res.text();
}

const french = (session = token) => ({ cookie: `tekup_session=${session}; lang=fr` });

function has(html: string, texts: string[], where: string): void {
  for (const text of texts) assert.ok(html.includes(text), `${where}: ${JSON.stringify(text)} is there`);
}

function lacks(html: string, texts: string[], where: string): void {
  for (const text of texts) assert.ok(!html.includes(text), `${where}: ${JSON.stringify(text)} is not there`);
}

describe('account pages in French', () => {
  it('the public authority page follows Accept-Language, its proof template included', async () => {
    const html = await page('/authority', { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' });
    assert.match(html, /<html lang="fr"/);
    has(
      html,
      ['<h1>Autorité de certification</h1>', 'Hiérarchie', 'AC racine', 'Liste de révocation (PEM)', 'Certificats révoqués (1)', 'Vérifier un certificat', '(facultatif)', 'Vérifier la preuve d’un message', '<dt>Certificat du signataire</dt>'],
      '/authority',
    );
    lacks(html, ['Hierarchy', '>Root CA<', 'Revocation list (PEM)', 'Check a certificate', 'Verify a message proof', 'Signer’s certificate', '(optional)'], '/authority');
  });

  it('a check answers in French, the date inside the sentence and the days counted', async () => {
    const ask = async (certificate: string) => {
      const form = new FormData();
      form.set('certificate', certificate);
      return page('/authority', french(), { method: 'POST', body: form });
    };
    const valid = await ask(alice.certificate);
    has(valid, [`Délivré par TEKUP_chat à ${alice.body.firstName} ${alice.body.lastName}`, 'C’est l’un de ses certificats en vigueur.', '<dt>Sujet, tel qu’inscrit</dt>'], 'valid');
    assert.match(valid, /valide jusqu’au <time [^>]*>[^<]+<\/time> \(\d+ jours restants\)\./);
    lacks(valid, ['Issued by TEKUP_chat', 'days left', 'It is one of their current certificates.'], 'valid');

    const revoked = await ask(carol.certificate);
    has(revoked, [`Révoqué${NBSP}: ne vous y fiez pas`, 'Les signatures faites avec lui après cette date ne sont pas valides.'], 'revoked');
    assert.match(revoked, /puis révoqué le <time [^>]*>[^<]+<\/time> \(/);
    lacks(revoked, ['Revoked: do not rely on it'], 'revoked');
  });

  it('the account page in French for a reader who chose it, in English otherwise', async () => {
    const fr = await page('/certificate', french());
    has(
      fr,
      [
        '<h1>Mon certificat</h1>',
        'aria-label="Détails du certificat"',
        'Mes appareils',
        'Sessions ouvertes',
        'Activité de sécurité',
        'Confidentialité',
        `Révoquer votre certificat${NBSP}?`,
        `Associer un nouvel appareil${NBSP}?`,
        'Code affiché sur le nouvel appareil',
        `Révoquer «${NBSP}<span data-device-revoke-name`,
      ],
      'French /certificate',
    );
    // The aria-label's template keeps its {time} for the script, in French.
    assert.match(fr, /data-local-label="Révoquer [^"]+, ajouté le \{time\}"/);
    assert.match(fr, /<span class="muted meter-text">\d+ sur \d+ jours<\/span>/);
    lacks(fr, ['My devices', 'Where you are logged in', 'Security activity', 'Revoke your certificate?', 'Link a new device?', 'Lifetime used', ' days</span>'], 'French /certificate');

    const en = await page('/certificate', { cookie: `tekup_session=${token}` });
    has(en, ['<h1>My certificate</h1>', 'My devices', 'Revoke “<span data-device-revoke-name', 'Link a new device?'], 'English /certificate');
    assert.match(en, /<span class="muted meter-text">\d+ of \d+ days<\/span>/);
    lacks(en, ['Mes appareils', 'Associer un nouvel appareil'], 'English /certificate');
  });

  it('someone else’s certificate: devices counted, and a revoked one said so, in French', async () => {
    const chat = await page(`/chat?with=${bob.login}`, french());
    assert.match(chat, /data-device-count="1">1 appareil</);
    const directory = await page('/directory', french());
    has(directory, ['>Révoqué<', 'Révoqué le <time', `Aucun message ne peut être chiffré pour ${carol.body.firstName}`], '/directory');
    lacks(directory, ['Revoked on', 'Messages cannot be encrypted'], '/directory');
  });

  it('an expiring certificate counts its days in French, in the chip and the callout', async () => {
    const start = srv.clock.now;
    try {
      srv.clock.now = new Date(start.getTime() + 340 * DAY);
      const html = await page('/ui/certificate', french(await loginAs(srv.url, alice)));
      assert.match(html, /<span>Expire dans \d+ jours<\/span>/);
      assert.match(html, /Ce certificat expire le <time [^>]*>[^<]+<\/time>\. Renouvelez-le dès maintenant/);
      lacks(html, ['Expires in', 'This certificate expires on'], 'expiring');
    } finally {
      srv.clock.now = start;
    }
  });
});
