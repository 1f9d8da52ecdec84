// The sign-in pages and the error page in French: the shell (skip link, the story beside the form,
// the public bar), the forms and the 404 page are translated on the server, by the `lang` cookie or
// by Accept-Language; none of their English is left behind, and English stays the default.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';

// What Chromium sends when someone types an address: an error page rather than the JSON.
const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const NBSP = '\u00a0';

let server: InProcess;
before(async () => {
  server = await startInProcess();
});
after(async () => {
  await server.close();
});

async function page(path: string, headers: Record<string, string> = {}, status = 200): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { headers: { accept: NAVIGATION, ...headers }, redirect: 'manual' });
  assert.equal(res.status, status, path);
  return res.text();
}

/** Each pair: what the French page says, and the English it replaces. */
function assertTranslated(html: string, pairs: [fr: string, en: string][]): void {
  assert.match(html, /<html lang="fr" dir="ltr"/);
  for (const [fr, en] of pairs) {
    assert.ok(html.includes(fr), `says ${JSON.stringify(fr)}`);
    assert.ok(!html.includes(en), `no longer says ${JSON.stringify(en)}`);
  }
}

// Per page: French and English pairs, the English as the pages have always said it.
const PAGES: Array<{ path: string; status?: number; pairs: [string, string][] }> = [
  {
    path: '/login',
    pairs: [
      ['<title>Connexion · TEKUP_chat</title>', '<title>Log in · TEKUP_chat</title>'],
      ['Passer au contenu', 'Skip to content'],
      ['Votre clé ne vous quitte pas.', 'Your key stays with you.'],
      ['Autorité de certification TEKUP_chat', 'TEKUP_chat certificate authority'],
      [`Pas encore de compte${NBSP}?`, 'New to TEKUP_chat?'],
      ['Identifiant', '>Login<'],
      ['Mot de passe', '>Password<'],
      ['>Voir<', '>Show<'],
      ['Se connecter', '>Log in<'],
      ['Utiliser plutôt un fichier de sauvegarde de clé', 'Use a key backup file instead'],
      ['(facultatif)', '(optional)'],
      ['récupérez l’accès', 'recover access'],
    ],
  },
  {
    path: '/register',
    pairs: [
      ['<title>Créer votre compte · TEKUP_chat</title>', 'Create your account'],
      ['Votre identité', 'Who you are'],
      ['Prénom', 'First name'],
      ['Numéro de carte d’identité', 'Identity card number'],
      ['Confirmez le mot de passe', 'Repeat the password'],
      ['Créer mon compte', 'Create my account'],
      ['Création de votre clé', 'Creating your key'],
      ['Bienvenue,', 'Welcome,'],
      ['Continuer vers TEKUP_chat', 'Continue to TEKUP_chat'],
    ],
  },
  {
    path: '/recover',
    pairs: [
      ['<title>Récupérer l’accès · TEKUP_chat</title>', 'Recover access'],
      ['Retour à la connexion', 'Back to log in'],
      [`J’ai oublié mon mot de passe${NBSP}:`, 'I forgot my password'],
      ['Code de récupération', 'Recovery code'],
      ['Obtenir un nouveau certificat', 'Get a new certificate'],
      ['Accès récupéré', 'Access recovered'],
    ],
  },
  {
    path: '/link',
    pairs: [
      ['<title>Utiliser TEKUP_chat sur cet appareil · TEKUP_chat</title>', 'Use TEKUP_chat on this device'],
      ['Nom de cet appareil', 'Name of this device'],
      [`«${NBSP}Téléphone${NBSP}»`, '“Phone”'],
      ['Associer cet appareil', 'Link this device'],
      ['En attente de votre approbation…', 'Waiting for your approval…'],
      [`Code${NBSP}: `, 'Code: '],
      ['Recommencer', 'Start again'],
    ],
  },
  {
    path: '/no/such/page',
    status: 404,
    pairs: [
      ['<title>Page introuvable · TEKUP_chat</title>', 'Page not found'],
      ['Erreur 404', 'Error 404'],
      ['Il n’y a rien à l’adresse /no/such/page.', 'There is nothing at'],
      ['Aller à la page de connexion', 'Go to the login page'],
      ['Page d’accueil', 'Home page'],
      ['>Inscription<', 'Create an account'],
    ],
  },
];

describe('sign-in and error pages in French', () => {
  for (const p of PAGES) {
    it(`${p.path}: by the lang cookie`, async () => {
      assertTranslated(await page(p.path, { cookie: 'lang=fr' }, p.status), p.pairs);
    });
    it(`${p.path}: by Accept-Language`, async () => {
      assertTranslated(await page(p.path, { 'accept-language': 'fr-FR,fr;q=0.9' }, p.status), p.pairs);
    });
    it(`${p.path}: English without either, as before`, async () => {
      const html = await page(p.path, {}, p.status);
      assert.match(html, /<html lang="en" dir="ltr"/);
      for (const [fr, en] of p.pairs) {
        assert.ok(html.includes(en), `says ${JSON.stringify(en)}`);
        assert.ok(!html.includes(fr), `does not say ${JSON.stringify(fr)}`);
      }
    });
  }

  it('a notice on the login page is in the reader’s language', async () => {
    const fr = await page('/login?notice=session-ended', { cookie: 'lang=fr' });
    assertTranslated(fr, [['Votre session a pris fin. Reconnectez-vous pour continuer.', 'Your session has ended.']]);
    const en = await page('/login?notice=session-ended');
    assert.ok(en.includes('Your session has ended. Log in again to continue.'));
  });

  it('the cookie wins over Accept-Language, both ways', async () => {
    assert.match(await page('/login', { cookie: 'lang=en', 'accept-language': 'fr' }), /<html lang="en"[^>]*>[\s\S]*Skip to content/);
    assert.match(await page('/login', { cookie: 'lang=fr', 'accept-language': 'en' }), /<html lang="fr"[^>]*>[\s\S]*Passer au contenu/);
  });
});
