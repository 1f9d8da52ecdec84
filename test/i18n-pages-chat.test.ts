// The chat and directory pages in French: the frame, the group dialogs and the <template>s the browser
// script clones for each message are translated on the server, by the `lang` cookie or by
// Accept-Language; nothing of the English text is left behind, and English stays the default.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { enrollUser, loginAs } from './helpers/login.ts';

let server: InProcess;
let session: string;
let other: string;
before(async () => {
  server = await startInProcess();
  const a = await enrollUser(server.url, 'chatfr');
  const b = await enrollUser(server.url, 'chatfrb');
  other = b.login;
  session = `tekup_session=${await loginAs(server.url, a)}`;
});
after(async () => {
  await server.close();
});

async function page(path: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: session, ...headers }, redirect: 'manual' });
  assert.equal(res.status, 200, path);
  return res.text();
}

/** The language menu's choice, beside the session (read once the session exists). */
const french = () => ({ cookie: `${session}; lang=fr` });

/** Each pair: what the French page says, and the English it replaces. */
function assertTranslated(html: string, pairs: [fr: string, en: string][]): void {
  for (const [fr, en] of pairs) {
    assert.ok(html.includes(fr), `says ${JSON.stringify(fr)}`);
    assert.ok(!html.includes(en), `no longer says ${JSON.stringify(en)}`);
  }
}

describe('chat pages in French', () => {
  it('the chat page: list, groups, message templates and group dialogs', async () => {
    const html = await page('/chat', french());
    assert.match(html, /<html lang="fr"/);
    assertTranslated(html, [
      ['<h2 class="convs-title">Discussions</h2>', '<h2 class="convs-title">Chats</h2>'],
      ['placeholder="Rechercher"', 'placeholder="Search"'],
      ['Choisissez avec qui discuter', 'Pick someone to talk to'],
      ['Ouvrir l’annuaire', 'Open the directory'],
      ['Nouveau groupe', 'New group'],
      ['Aucun groupe pour l’instant.', 'No groups yet.'],
      ['<span>Vérifié</span>', '<span>Verified</span>'],
      ['Vérifié à l’envoi', 'Verified when sent'],
      ['Enregistrer la preuve', 'Save proof'],
      ['Ce message n’a pas pu être vérifié et n’est pas affiché.', 'This message could not be verified and is not shown.'],
      ['En attente de connexion', 'Waiting for connection'],
      ['Réessayer', 'Retry'],
      ['Non vérifié\u00a0: l’expéditeur n’était pas membre à ce moment-là.', 'Not verified: not a member at that time.'],
      ['Vous n’êtes plus membre de ce groupe.', 'You are no longer a member of this group.'],
      ['placeholder="Écrire au groupe…"', 'placeholder="Message the group…"'],
      ['Créer le groupe', 'Create group'],
      ['Quitter le groupe', 'Leave group'],
      ['Nommer admin', 'Make admin'],
    ]);
    // The presence under each name: "Online" would be the one English word left in the list.
    assert.match(html, /class="presence-text[^"]*">(En ligne|Aucune connexion|<time[^>]*data-relative="Dernière connexion ")/);
  });

  it('a conversation: header, history, composer, with names in the sentences', async () => {
    const html = await page(`/chat?with=${other}`, french());
    assertTranslated(html, [
      ['Retour à toutes les discussions', 'Back to all chats'],
      ['<span>Certificat</span>', '<span>Certificate</span>'],
      ['Délivré par TEKUP_chat.', 'Issued by TEKUP_chat.'],
      ['aria-label="Historique de la conversation"', 'aria-label="Conversation history"'],
      ['Charger les messages précédents', 'Load earlier messages'],
      ['Ouverture de vos messages…', 'Opening your messages…'],
      ['Joindre des fichiers', 'Attach files'],
      ['Chiffré de bout en bout', 'End-to-end encrypted'],
      [' · Entrée pour envoyer, Maj+Entrée pour aller à la ligne', 'Shift+Enter for a new line'],
      ['J’ai compris', 'Got it'],
    ]);
    assert.match(html, /placeholder="Écrire à [^"]+…"/);
    assert.match(html, /Commencez votre conversation avec [^<]+\./);
    assert.match(html, /comparez cette empreinte avec [^<]+ en personne\u00a0:/);
  });

  it('the directory, by Accept-Language alone, with its counts in words', async () => {
    const html = await page('/directory', { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' });
    assert.match(html, /<html lang="fr"/);
    assertTranslated(html, [
      ['<h1>Annuaire</h1>', '<h1>Directory</h1>'],
      ['Toutes les personnes inscrites sur TEKUP_chat.', 'Everyone registered on TEKUP_chat.'],
      ['placeholder="Nom ou identifiant"', 'placeholder="Search by name or login"'],
      ['<span class="tag">Vous</span>', '<span class="tag">You</span>'],
      ['Empreinte du certificat', 'Certificate fingerprint'],
      ['Personne ne correspond à votre recherche.', 'Nobody matches your search.'],
    ]);
    // Two people registered here (maybe more than one online): the French plural of "inscrit".
    assert.match(html, /\d+ en ligne · 2 inscrits/);
    assert.match(html, new RegExp(`Écrire<span class="visually-hidden"> à [^<]+</span>`));
  });

  it('English is still the default, word for word', async () => {
    const html = await page('/directory', {});
    assert.match(html, /<html lang="en"/);
    assert.match(html, /\d+ online · 2 registered/);
    assert.ok(html.includes('<h1>Directory</h1>'));
    assert.match(html, /Message<span class="visually-hidden"> [^<]+<\/span>/);
    const chat = await page(`/chat?with=${other}`, { 'accept-language': 'de, en;q=0.5' });
    assert.match(chat, /placeholder="Message [^"]+…"/);
    assert.ok(chat.includes('<span class="keys-hint"> · Enter to send, Shift+Enter for a new line</span>'));
  });
});
