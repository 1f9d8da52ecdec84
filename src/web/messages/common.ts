// Page text of the common area, in every language (see src/web/messages/index.ts): what every page
// shares (the shells, their bars, banners and the sign-in story), the form fields and dialogs, and
// the error pages. French writes \u00a0 (no-break space) before : ; ? ! and inside « », so a line
// never starts with the mark.
import type { Catalogues } from '../../shared/i18n/translate.ts';

const en = {
  'common.language': 'Language',
  'common.skip-to-content': 'Skip to content',
  'common.about-app': 'About {app}',

  // The app bar of signed-in pages; each nav entry has a short label for narrow screens.
  'common.nav.main': 'Main',
  'common.nav.chats': 'Chats',
  'common.nav.chats-short': 'Chats',
  'common.nav.directory': 'Directory',
  'common.nav.directory-short': 'People',
  'common.nav.certificate': 'My certificate',
  'common.nav.certificate-short': 'Certificate',
  'common.notify-me': 'Notify me of new messages',
  'common.log-out': 'Log out',

  // The public bar's two ways in: short words, beside the language menu on a 320 px phone.
  'common.nav.account': 'Account',
  'common.nav.log-in': 'Log in',
  'common.nav.register': 'Create an account',
  // The same two links inside the sign-in pages' sentences and buttons.
  'common.log-in': 'Log in',
  'common.create-account': 'Create an account',

  // Banners.
  'common.expiry.revoked': 'Your certificate has been revoked. You will not be able to log in again with it.',
  'common.expiry.expired': 'Your certificate has expired. Renew it now to keep using TEKUP_chat.',
  'common.expiry.today': 'Your certificate expires today. Renew it now to keep logging in.',
  'common.expiry.soon': {
    one: 'Your certificate expires in {count} day. Renew it before then to keep logging in.',
    other: 'Your certificate expires in {count} days. Renew it before then to keep logging in.',
  },
  'common.expiry.review': 'Review certificate',
  'common.login-notice.review': 'Review activity',
  'common.dismiss': 'Dismiss',
  'common.dismiss-notice': 'Dismiss this notice',

  // The story beside the sign-in forms: each point is a bold lead, then its sentence.
  'common.story.title': 'Messages only the two of you can read — and prove.',
  'common.story.key-title': 'Your key stays with you.',
  'common.story.key-text': 'It is created in this browser and kept encrypted with your password.',
  'common.story.e2e-title': 'End-to-end encrypted.',
  'common.story.e2e-text': 'The server relays ciphertext; it never sees a message.',
  'common.story.signed-title': 'Signed and verified.',
  'common.story.signed-text': "Every message carries its sender's signature, checked against a certificate issued by TEKUP_chat.",
  'common.story.authority': 'TEKUP_chat certificate authority',

  // Form fields and dialogs. The reveal button reads "Show password" to a screen reader.
  'common.field.optional': '(optional)',
  'common.reveal.show': 'Show',
  'common.reveal.hide': 'Hide',
  'common.reveal.what': 'password',
  'common.cancel': 'Cancel',

  // Error pages: a title per HTTP status, then what happened and the way back.
  'common.error.status': 'Error {status}',
  'common.error.bad-request': 'This request could not be read',
  'common.error.log-in-first': 'Log in first',
  'common.error.refused': 'This request was refused',
  'common.error.not-found': 'Page not found',
  'common.error.wrong-method': 'This page cannot be used that way',
  'common.error.conflict': 'This conflicts with what is already there',
  'common.error.too-large': 'That was too large to send',
  'common.error.unsupported-type': 'This kind of content is not accepted',
  'common.error.too-many': 'Too many requests',
  'common.error.internal': 'Something went wrong',
  'common.error.unavailable': 'TEKUP_chat is unavailable for a moment',
  'common.error.not-found-text': 'There is nothing at {path}. The link may be old, or the address mistyped.',
  'common.error.back-to-chats': 'Back to your chats',
  'common.error.to-login': 'Go to the login page',
  'common.error.home': 'Home page',
} as const;

export default {
  en,
  fr: {
    'common.language': 'Langue',
    'common.skip-to-content': 'Passer au contenu',
    'common.about-app': 'À propos de {app}',

    'common.nav.main': 'Menu principal',
    'common.nav.chats': 'Discussions',
    'common.nav.chats-short': 'Discussions',
    'common.nav.directory': 'Annuaire',
    'common.nav.directory-short': 'Personnes',
    'common.nav.certificate': 'Mon certificat',
    'common.nav.certificate-short': 'Certificat',
    'common.notify-me': 'M’avertir des nouveaux messages',
    'common.log-out': 'Se déconnecter',

    'common.nav.account': 'Compte',
    'common.nav.log-in': 'Connexion',
    'common.nav.register': 'Inscription',
    'common.log-in': 'Se connecter',
    'common.create-account': 'Créer un compte',

    'common.expiry.revoked': 'Votre certificat a été révoqué. Il ne vous permettra plus de vous connecter.',
    'common.expiry.expired': 'Votre certificat a expiré. Renouvelez-le dès maintenant pour continuer à utiliser TEKUP_chat.',
    'common.expiry.today': 'Votre certificat expire aujourd’hui. Renouvelez-le dès maintenant pour pouvoir encore vous connecter.',
    'common.expiry.soon': {
      one: 'Votre certificat expire dans {count}\u00a0jour. Renouvelez-le d’ici là pour pouvoir encore vous connecter.',
      other: 'Votre certificat expire dans {count}\u00a0jours. Renouvelez-le d’ici là pour pouvoir encore vous connecter.',
    },
    'common.expiry.review': 'Voir le certificat',
    'common.login-notice.review': 'Voir l’activité',
    'common.dismiss': 'Fermer',
    'common.dismiss-notice': 'Fermer cet avis',

    'common.story.title': 'Des messages que vous deux êtes seuls à pouvoir lire — et à prouver.',
    'common.story.key-title': 'Votre clé ne vous quitte pas.',
    'common.story.key-text': 'Elle est créée dans ce navigateur et conservée chiffrée par votre mot de passe.',
    'common.story.e2e-title': 'Chiffré de bout en bout.',
    'common.story.e2e-text': 'Le serveur ne transmet que des données chiffrées\u00a0; il ne voit jamais un message.',
    'common.story.signed-title': 'Signé et vérifié.',
    'common.story.signed-text': 'Chaque message porte la signature de son expéditeur, vérifiée d’après un certificat émis par TEKUP_chat.',
    'common.story.authority': 'Autorité de certification TEKUP_chat',

    'common.field.optional': '(facultatif)',
    // Short enough for the button inside the password field (English: Show, Hide).
    'common.reveal.show': 'Voir',
    'common.reveal.hide': 'Cacher',
    'common.reveal.what': 'le mot de passe',
    'common.cancel': 'Annuler',

    'common.error.status': 'Erreur {status}',
    'common.error.bad-request': 'Cette requête n’a pas pu être lue',
    'common.error.log-in-first': 'Connectez-vous d’abord',
    'common.error.refused': 'Cette requête a été refusée',
    'common.error.not-found': 'Page introuvable',
    'common.error.wrong-method': 'Cette page ne s’utilise pas de cette façon',
    'common.error.conflict': 'Cela entre en conflit avec ce qui existe déjà',
    'common.error.too-large': 'C’est trop volumineux pour être envoyé',
    'common.error.unsupported-type': 'Ce type de contenu n’est pas accepté',
    'common.error.too-many': 'Trop de requêtes',
    'common.error.internal': 'Une erreur s’est produite',
    'common.error.unavailable': 'TEKUP_chat est momentanément indisponible',
    'common.error.not-found-text': 'Il n’y a rien à l’adresse {path}. Le lien est peut-être ancien, ou l’adresse mal saisie.',
    'common.error.back-to-chats': 'Retour à vos discussions',
    'common.error.to-login': 'Aller à la page de connexion',
    'common.error.home': 'Page d’accueil',
  },
} satisfies Catalogues<typeof en>;
