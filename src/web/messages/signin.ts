// Page text of the signin area, in every language (see src/web/messages/index.ts): the login,
// registration, recovery and device-linking pages. A sentence with a link inside is split where
// the link starts, each part whole enough to translate alone. French writes \u00a0 (no-break
// space) before : ; ? ! and inside « ». The shared "Log in" and "Create an account" links are
// common.log-in and common.create-account.
import type { Catalogues } from '../../shared/i18n/translate.ts';

const en = {
  // Fields several of these pages share.
  'signin.field.login': 'Login',
  'signin.field.password': 'Password',
  'signin.back-to-login': 'Back to log in',
  'signin.progress.store': 'Encrypting it with your password',
  'signin.progress.certificate': 'Getting your certificate',

  // Login.
  'signin.login.title': 'Log in',
  'signin.login.new-here': 'New to TEKUP_chat?',
  'signin.notice.logged-out': 'You have logged out. Your key stays encrypted in this browser.',
  'signin.notice.session-ended': 'Your session has ended. Log in again to continue.',
  'signin.notice.revoked': 'Your certificate has been revoked. It can no longer be used to log in.',
  'signin.notice.registered': 'Your account is ready. Log in with your password.',
  'signin.notice.recovered': 'Your new certificate is ready and its key is stored in this browser. Log in with your password.',
  'signin.notice.device-revoked':
    'This device was revoked: its certificate can no longer log in. To use TEKUP_chat here again, link it anew from a device where you are logged in.',
  'signin.login.previous-password': 'Previous password',
  'signin.login.previous-password-hint':
    'Changed your password on another device? The key kept in this browser still opens with the password you had then; it is re-encrypted with your new one once you are in.',
  'signin.login.key-lookup': 'Your private key is looked up in this browser when you enter your login.',
  'signin.login.use-backup': 'Use a key backup file instead',
  'signin.login.backup': 'Key backup file',
  'signin.login.backup-hint':
    'The .pem file you saved when you registered: your encrypted private key, usually with your certificate. Unencrypted PKCS#8 keys work too.',
  'signin.login.certificate': 'Certificate',
  'signin.login.certificate-hint': 'Only needed when the backup file holds no certificate.',
  'signin.login.submit': 'Log in',
  'signin.login.other-device-title': 'Logged in on another device, and no key here?',
  'signin.login.other-device-text': 'Link this browser: it gets a key of its own, approved from that device.',
  // "… then <a>recover access</a>."
  'signin.login.lost-key': 'Lost your key, or your certificate was revoked or expired? Ask an operator for a recovery code, then',
  'signin.login.lost-key-link': 'recover access',
  'signin.login.password-note': 'Your password opens your key here, in the browser; the server checks it against a salted hash and never stores it.',

  // Registration.
  // The rules of each field, under its label: what the schemas in src/protocol/enroll.ts enforce.
  'signin.hint.card-number': 'Your identity card number: 8 digits.',
  'signin.hint.card-number-custom': 'Your identity card number.',
  'signin.hint.name': 'Letters, spaces, hyphens and apostrophes; up to 64.',
  'signin.hint.login': '3 to 32 characters: a–z, 0–9, dot, underscore or hyphen, starting with a letter.',
  'signin.hint.email': 'Where we can reach you, in plain ASCII, e.g. name@example.org.',
  'signin.hint.password': 'At least 12 characters, not your login and not a common password.',
  'signin.register.title': 'Create your account',
  'signin.register.already': 'Already registered?',
  'signin.register.who': 'Who you are',
  'signin.register.first-name': 'First name',
  'signin.register.last-name': 'Last name',
  'signin.register.card-number': 'Identity card number',
  'signin.register.email': 'Email address',
  'signin.register.how': 'How you sign in',
  // After the password rules (signin.hint.password), in the same hint.
  'signin.register.password-hint':
    'It also encrypts your private key and its backup. You can change it later on My certificate; if you forget it, an operator can give you a code to choose a new one (with a new key).',
  'signin.register.password-again': 'Repeat the password',
  'signin.register.key-note':
    "When you continue, this browser creates your private key and a certificate request. The key never leaves this device unencrypted; TEKUP_chat's authority signs your certificate.",
  'signin.register.submit': 'Create my account',
  'signin.register.progress-key': 'Creating your key',
  // Followed by the person's name.
  'signin.register.welcome': 'Welcome,',
  'signin.register.done-lead': 'Your certificate is ready and your key is stored, encrypted, in this browser.',
  'signin.register.backup-title': 'Download your key backup now.',
  'signin.register.backup-text': 'It is the only way to log in from another browser, or after clearing this one. It is encrypted with your password.',
  'signin.register.continue': 'Continue to TEKUP_chat',

  // Recovery.
  'signin.recover.title': 'Recover access',
  'signin.recover.lead': 'For when your certificate was revoked or has expired, or your key is lost.',
  'signin.recover.password-hint': 'The password of your account. It also encrypts your new key in this browser.',
  'signin.recover.forgot': 'I forgot my password: choose a new one (the operator must have issued the code for this)',
  'signin.recover.new-password': 'New password',
  // After the password rules (signin.hint.password), in the same hint.
  'signin.recover.new-password-hint': 'It also encrypts your new key in this browser.',
  'signin.recover.new-password-again': 'New password again',
  'signin.recover.sealed-note': 'Messages sent to you before stay sealed for your earlier keys, which only your old password opens.',
  'signin.recover.code': 'Recovery code',
  'signin.recover.code-hint': 'The one-time code a TEKUP_chat operator gave you, like ABCD-EFGH-…; capitals and dashes are optional.',
  'signin.recover.key-note':
    'This browser creates a new private key and a certificate request. The key never leaves this device unencrypted. Your new certificate replaces every earlier one, and sessions still open elsewhere end.',
  'signin.recover.submit': 'Get a new certificate',
  'signin.recover.progress-key': 'Creating your new key',
  'signin.recover.done-title': 'Access recovered',
  'signin.recover.done-lead': 'Your new certificate is ready and your new key is stored, encrypted, in this browser. Earlier certificates are revoked.',
  'signin.recover.backup-title': 'Download your new key backup.',
  'signin.recover.backup-text': 'Your old backup no longer logs you in; this one does, from any browser. It is encrypted with your password.',

  // Linking this device (also the way there from the login page).
  'signin.link.title': 'Use TEKUP_chat on this device',
  'signin.link.use-here-too': 'Use TEKUP_chat on this device too',
  'signin.link.lead': 'For an account you already use on another device. Not registered yet?',
  'signin.link.device-name': 'Name of this device',
  'signin.link.device-name-hint': 'How your other devices list it, e.g. “Phone” or “Office laptop”.',
  'signin.link.key-note':
    'This browser creates a key of its own, kept here encrypted with your password. You then approve it on a device where you are logged in, with a code shown here. Messages from before today stay readable only on your other devices.',
  'signin.link.submit': 'Link this device',
  'signin.link.progress-key': 'Creating this device’s key',
  'signin.link.progress-ask': 'Asking your other devices',
  'signin.link.wait-title': 'Type this code on a device where you are logged in',
  // The prompt's title is account.request's, on the other device.
  'signin.link.wait-lead': 'It shows a prompt “Link a new device?”. Enter the code there and approve.',
  'signin.link.code': 'Code:',
  'signin.link.fingerprint': 'This device’s key fingerprint (SHA-256)',
  'signin.link.name': 'Device name',
  'signin.link.time-left': 'Time left',
  'signin.link.waiting': 'Waiting for your approval…',
  'signin.link.compare-note': 'The prompt shows the same key fingerprint: compare them. Keep this page open until you are logged in.',
  'signin.link.start-again': 'Start again',
  'signin.link.password-note': 'Your password is checked as at login and opens this device’s key only here, in the browser.',
} as const;

export default {
  en,
  fr: {
    'signin.field.login': 'Identifiant',
    'signin.field.password': 'Mot de passe',
    'signin.back-to-login': 'Retour à la connexion',
    'signin.progress.store': 'Chiffrement avec votre mot de passe',
    'signin.progress.certificate': 'Obtention de votre certificat',

    'signin.login.title': 'Connexion',
    'signin.login.new-here': 'Pas encore de compte\u00a0?',
    'signin.notice.logged-out': 'Déconnexion effectuée. Votre clé reste chiffrée dans ce navigateur.',
    'signin.notice.session-ended': 'Votre session a pris fin. Reconnectez-vous pour continuer.',
    'signin.notice.revoked': 'Votre certificat a été révoqué. Il ne permet plus de vous connecter.',
    'signin.notice.registered': 'Votre compte est prêt. Connectez-vous avec votre mot de passe.',
    'signin.notice.recovered': 'Votre nouveau certificat est prêt et sa clé est enregistrée dans ce navigateur. Connectez-vous avec votre mot de passe.',
    'signin.notice.device-revoked':
      'Cet appareil a été révoqué\u00a0: son certificat ne permet plus de se connecter. Pour utiliser de nouveau TEKUP_chat ici, associez-le à nouveau depuis un appareil où votre session est ouverte.',
    'signin.login.previous-password': 'Ancien mot de passe',
    'signin.login.previous-password-hint':
      'Vous avez changé de mot de passe sur un autre appareil\u00a0? La clé conservée dans ce navigateur s’ouvre encore avec votre ancien mot de passe\u00a0; elle sera chiffrée avec le nouveau dès votre connexion.',
    'signin.login.key-lookup': 'Votre clé privée est recherchée dans ce navigateur dès que vous saisissez votre identifiant.',
    'signin.login.use-backup': 'Utiliser plutôt un fichier de sauvegarde de clé',
    'signin.login.backup': 'Sauvegarde de la clé',
    'signin.login.backup-hint':
      'Le fichier .pem enregistré lors de votre inscription\u00a0: votre clé privée chiffrée, en général avec votre certificat. Les clés PKCS#8 non chiffrées sont aussi acceptées.',
    'signin.login.certificate': 'Certificat',
    'signin.login.certificate-hint': 'Nécessaire seulement si le fichier de sauvegarde ne contient pas de certificat.',
    'signin.login.submit': 'Se connecter',
    'signin.login.other-device-title': 'Une session ouverte sur un autre appareil, mais pas de clé ici\u00a0?',
    'signin.login.other-device-text': 'Associez ce navigateur\u00a0: il reçoit sa propre clé, approuvée depuis l’autre appareil.',
    'signin.login.lost-key': 'Clé perdue, ou certificat révoqué ou expiré\u00a0? Demandez un code de récupération à un opérateur, puis',
    'signin.login.lost-key-link': 'récupérez l’accès',
    'signin.login.password-note':
      'Votre mot de passe ouvre votre clé ici, dans le navigateur\u00a0; le serveur le compare à un hachage salé et ne le conserve jamais.',

    'signin.hint.card-number': 'Le numéro de votre carte d’identité : 8 chiffres.',
    'signin.hint.card-number-custom': 'Le numéro de votre carte d’identité.',
    'signin.hint.name': 'Lettres, espaces, traits d’union et apostrophes ; 64 au plus.',
    'signin.hint.login': 'De 3 à 32 caractères : a–z, 0–9, point, tiret bas ou trait d’union, en commençant par une lettre.',
    'signin.hint.email': 'Où vous joindre, en ASCII simple, par exemple nom@example.org.',
    'signin.hint.password': 'Au moins 12 caractères, différent de votre identifiant et pas un mot de passe courant.',
    'signin.register.title': 'Créer votre compte',
    'signin.register.already': 'Vous avez déjà un compte\u00a0?',
    'signin.register.who': 'Votre identité',
    'signin.register.first-name': 'Prénom',
    'signin.register.last-name': 'Nom',
    'signin.register.card-number': 'Numéro de carte d’identité',
    'signin.register.email': 'Adresse e-mail',
    'signin.register.how': 'Vos identifiants de connexion',
    'signin.register.password-hint':
      'Il chiffre aussi votre clé privée et sa sauvegarde. Vous pourrez le changer plus tard dans «\u00a0Mon certificat\u00a0»\u00a0; en cas d’oubli, un opérateur peut vous donner un code pour en choisir un nouveau (avec une nouvelle clé).',
    'signin.register.password-again': 'Confirmez le mot de passe',
    'signin.register.key-note':
      'En continuant, ce navigateur crée votre clé privée et une demande de certificat. La clé ne quitte jamais cet appareil sans être chiffrée\u00a0; l’autorité de TEKUP_chat signe votre certificat.',
    'signin.register.submit': 'Créer mon compte',
    'signin.register.progress-key': 'Création de votre clé',
    'signin.register.welcome': 'Bienvenue,',
    'signin.register.done-lead': 'Votre certificat est prêt et votre clé est enregistrée, chiffrée, dans ce navigateur.',
    'signin.register.backup-title': 'Téléchargez dès maintenant la sauvegarde de votre clé.',
    'signin.register.backup-text':
      'C’est le seul moyen de vous connecter depuis un autre navigateur, ou après avoir effacé les données de celui-ci. Elle est chiffrée avec votre mot de passe.',
    'signin.register.continue': 'Continuer vers TEKUP_chat',

    'signin.recover.title': 'Récupérer l’accès',
    'signin.recover.lead': 'Si votre certificat a été révoqué ou a expiré, ou si votre clé est perdue.',
    'signin.recover.password-hint': 'Le mot de passe de votre compte. Il chiffre aussi votre nouvelle clé dans ce navigateur.',
    'signin.recover.forgot': 'J’ai oublié mon mot de passe\u00a0: en choisir un nouveau (l’opérateur doit avoir émis le code pour cela)',
    'signin.recover.new-password': 'Nouveau mot de passe',
    'signin.recover.new-password-hint': 'Il chiffre aussi votre nouvelle clé dans ce navigateur.',
    'signin.recover.new-password-again': 'Confirmez le nouveau mot de passe',
    'signin.recover.sealed-note': 'Les messages reçus auparavant restent scellés pour vos anciennes clés, que seul votre ancien mot de passe ouvre.',
    'signin.recover.code': 'Code de récupération',
    'signin.recover.code-hint':
      'Le code à usage unique qu’un opérateur TEKUP_chat vous a remis, du type ABCD-EFGH-…\u00a0; majuscules et tirets facultatifs.',
    'signin.recover.key-note':
      'Ce navigateur crée une nouvelle clé privée et une demande de certificat. La clé ne quitte jamais cet appareil sans être chiffrée. Votre nouveau certificat remplace tous les précédents, et les sessions encore ouvertes ailleurs sont fermées.',
    'signin.recover.submit': 'Obtenir un nouveau certificat',
    'signin.recover.progress-key': 'Création de votre nouvelle clé',
    'signin.recover.done-title': 'Accès récupéré',
    'signin.recover.done-lead':
      'Votre nouveau certificat est prêt et votre nouvelle clé est enregistrée, chiffrée, dans ce navigateur. Les certificats précédents sont révoqués.',
    'signin.recover.backup-title': 'Téléchargez la sauvegarde de votre nouvelle clé.',
    'signin.recover.backup-text':
      'Votre ancienne sauvegarde ne permet plus de vous connecter\u00a0; celle-ci le permet, depuis n’importe quel navigateur. Elle est chiffrée avec votre mot de passe.',

    'signin.link.title': 'Utiliser TEKUP_chat sur cet appareil',
    'signin.link.use-here-too': 'Utiliser aussi TEKUP_chat sur cet appareil',
    'signin.link.lead': 'Pour un compte que vous utilisez déjà sur un autre appareil. Pas encore de compte\u00a0?',
    'signin.link.device-name': 'Nom de cet appareil',
    'signin.link.device-name-hint': 'Le nom sous lequel vos autres appareils l’affichent, par exemple «\u00a0Téléphone\u00a0» ou «\u00a0Portable du bureau\u00a0».',
    'signin.link.key-note':
      'Ce navigateur crée sa propre clé, conservée ici chiffrée avec votre mot de passe. Vous l’approuvez ensuite sur un appareil où votre session est ouverte, avec un code affiché ici. Les messages antérieurs à aujourd’hui restent lisibles uniquement sur vos autres appareils.',
    'signin.link.submit': 'Associer cet appareil',
    'signin.link.progress-key': 'Création de la clé de cet appareil',
    'signin.link.progress-ask': 'Demande à vos autres appareils',
    'signin.link.wait-title': 'Saisissez ce code sur un appareil où votre session est ouverte',
    'signin.link.wait-lead': 'Il affiche la demande «\u00a0Associer un nouvel appareil\u00a0?\u00a0». Saisissez-y le code, puis approuvez.',
    'signin.link.code': 'Code\u00a0:',
    'signin.link.fingerprint': 'Empreinte de la clé de cet appareil (SHA-256)',
    'signin.link.name': 'Nom de l’appareil',
    'signin.link.time-left': 'Temps restant',
    'signin.link.waiting': 'En attente de votre approbation…',
    'signin.link.compare-note': 'La demande affiche la même empreinte de clé\u00a0: comparez-les. Gardez cette page ouverte jusqu’à votre connexion.',
    'signin.link.start-again': 'Recommencer',
    'signin.link.password-note': 'Votre mot de passe est vérifié comme à la connexion et n’ouvre la clé de cet appareil qu’ici, dans le navigateur.',
  },
} satisfies Catalogues<typeof en>;
