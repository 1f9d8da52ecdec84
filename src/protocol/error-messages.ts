// The texts of the API's refusals (issue 24): each error `message` and `fields` text has a stable id
// here, with its English and its French side by side. English is what the domain throws, what logs
// and the admin CLI show, and what every API answer says unless the request asks for French
// (Accept-Language or the `lang` cookie): then the web edge (src/web/errors.ts, through
// src/shared/i18n/error-messages.ts) writes the French. The error codes never change with the
// language. This file lives in src/protocol, which imports nothing of ours, because the schemas
// here write their field messages from it; src/shared/i18n/error-messages.ts checks it as a
// catalogue (every French entry for exactly the English keys) and does the translating.
//
// A text built from values names them as {placeholders}; one that depends on a number has plural
// forms chosen by `count`. The French keeps every placeholder of the English.

/** A text, or its plural forms by `count` (the shape of src/shared/i18n/translate.ts's Message). */
export type ErrorMessageText = string | { readonly zero?: string; readonly one?: string; readonly other: string };
export type ErrorParams = Readonly<Record<string, string | number>>;

const en = {
  // Validation as a whole (src/protocol/errors.ts validationError, routes' onInvalid).
  'error.validation.fields': { one: 'One field needs fixing.', other: '{count} fields need fixing.' },
  'error.validation.request': 'The request needs fixing.',
  'error.validation.query': 'The query needs fixing.',
  'error.validation.headers': 'The headers need fixing.',
  'error.validation.renewal': 'The renewal request needs fixing.',
  'error.validation.serial': 'The serial must be lowercase hex.',

  // Registration (src/protocol/enroll.ts) and the password rules shared with recovery and the account.
  'error.enroll.card.missing': 'Enter your identity card number.',
  'error.enroll.card.digits': 'The card number is exactly 8 digits.',
  'error.enroll.card.invalid': 'This is not a valid card number.',
  'error.enroll.firstName.missing': 'Enter your first name.',
  'error.enroll.firstName.long': 'Your first name can be at most 64 characters.',
  'error.enroll.firstName.letters': 'Use only letters, spaces, hyphens and apostrophes in your first name, starting with a letter.',
  'error.enroll.lastName.missing': 'Enter your last name.',
  'error.enroll.lastName.long': 'Your last name can be at most 64 characters.',
  'error.enroll.lastName.letters': 'Use only letters, spaces, hyphens and apostrophes in your last name, starting with a letter.',
  'error.enroll.login.missing': 'Choose a login.',
  'error.enroll.login.pattern': 'Use 3 to 32 characters: a–z, 0–9, dot, underscore or hyphen, starting with a letter.',
  'error.enroll.email.missing': 'Enter your email address.',
  'error.enroll.email.ascii':
    'Use an address in plain ASCII: letters a–z, digits and . _ % + - before the @; letters, digits, hyphens and dots after it. No accented letters, spaces or control characters.',
  'error.enroll.email.malformed': 'Enter a valid email address, like name@example.org.',
  'error.enroll.password.missing': 'Choose a password.',
  'error.enroll.password.isLogin': 'The password must not be your login.',
  'error.enroll.csr.missing': 'Attach a certificate request (PEM).',
  'error.enroll.csr.large': 'The certificate request is too large.',
  'error.text.atLeast': 'Use at least {min} characters.',
  'error.text.atMost': 'Use at most {max} characters.',
  'error.password.common': 'This password is too common; choose one nobody would guess.',
  'error.password.newMissing': 'Choose a new password.',

  // Directory uniqueness (src/directory/conflict.ts).
  'error.taken.login': 'This login is taken; choose another one.',
  'error.taken.email': 'An account already uses this email address.',
  'error.taken.cardNumber': 'An account is already registered with this card number.',

  // Devices (src/protocol/devices.ts).
  'error.device.name.missing': 'Name this device.',
  'error.device.name.empty': 'Name this device, e.g. "Laptop" or "Phone".',
  'error.device.name.long': 'A device name can be at most {max} characters.',
  'error.device.name.control': 'A device name cannot hold control characters.',
  'error.device.serial': 'A serial is lowercase hex.',

  // Password change (src/protocol/account.ts).
  'error.account.current.missing': 'Enter your current password.',
  'error.account.current.wrong': 'This is not your current password.',
  'error.account.new.same': 'Choose a password other than your current one.',

  // Login (src/protocol/session.ts, src/auth).
  'error.login.login.missing': 'Enter your login.',
  'error.login.password.missing': 'Enter your password.',
  'error.login.certificate.missing': 'Send your certificate (PEM).',
  'error.login.certificate.large': 'The certificate is too large.',
  'error.login.challenge.missing': 'Send the challenge you were given.',
  'error.login.challenge.unknown': 'This is not a challenge we issued.',
  'error.login.signature.missing': 'Send the signature of the challenge (base64).',
  'error.login.signature.long': 'The signature is too long.',
  'error.login.signature.base64': 'The signature must be base64.',
  'error.login.wrong': 'The login or the password is wrong.',
  'error.login.notOwner': "This certificate is not one of this login's current certificates.",
  'error.login.revoked': 'This certificate was revoked on {revokedAt} ({reason}).',
  'error.login.challenge.unissued': 'The challenge was not issued by us or was already used; ask for a new one and sign it.',
  'error.login.challenge.expired': 'The challenge has expired; ask for a new one and sign it.',
  'error.login.challenge.otherLogin': 'The challenge was issued for another login; ask for a new one and sign it.',
  'error.login.signature.bad': "The challenge signature does not verify with this certificate's key.",
  'error.session.required': 'Log in first: send your session token as "Authorization: Bearer …" or the session cookie.',
  'error.session.revoked': 'The certificate this session was opened with has been revoked; log in again.',
  'error.session.notFound': 'You have no session with this id; it may have ended already.',

  // Rate limits (src/web/rate-limit.ts, src/chat/streams.ts).
  'error.rate.attempts': 'Too many attempts; try again in {seconds} s.',
  'error.rate.streams': 'This account already has {max} live connections open; close some tabs or devices and try again.',

  // Recovery (src/protocol/recovery.ts, src/usecases/recovery.ts).
  'error.recovery.code.missing': 'Enter the recovery code the operator gave you.',
  'error.recovery.code.shape': 'A recovery code has 26 letters and digits, like ABCD-EFGH-…; check what you typed.',
  'error.recovery.csr.missing': 'Attach a certificate request (PEM) for your new key.',
  'error.recovery.oneOfTwo': 'Enter your password, or a new one if you forgot it: one of the two.',
  'error.recovery.wrong': 'The login, the password or the recovery code is wrong, or the code has expired or was already used.',
  'error.recovery.hours': 'A recovery code lasts 1 to {max} hours.',
  'error.recovery.hours.field': 'Give 1 to {max} hours.',

  // Linking a device (src/protocol/device-link.ts, src/usecases/device-link.ts).
  'error.link.code.missing': 'Enter the 6-digit code the new device shows.',
  'error.link.code.pattern': 'The code is the 6 digits the new device shows.',
  'error.link.id': 'This is not the id of a link request.',
  'error.link.code.wrong': 'The code is wrong.',
  'error.link.code.triesLeft': {
    one: 'This is not the code the new device shows; one try is left.',
    other: 'This is not the code the new device shows; {count} tries are left.',
  },
  'error.link.code.ended': 'This is not the code the new device shows. That was the fifth wrong code: the request has ended; ask again from the new device.',
  'error.link.notFound': 'You have no link request with this id; it may have been cleaned up.',
  'error.link.approved': 'This device was linked already.',
  'error.link.approving': 'Another of your devices is approving this request just now.',
  'error.link.changed': 'This request changed meanwhile; try again.',
  'error.link.noSuch': 'No link request has this id and secret.',
  'error.link.secret': 'Send the secret this request was answered with, as "Authorization: Bearer SECRET".',

  // Certificate requests (src/pki/csr.ts, src/pki/fresh-key.ts).
  'error.csr.notPem': 'This is not a PEM certificate request: paste one block from -----BEGIN CERTIFICATE REQUEST----- to -----END CERTIFICATE REQUEST-----.',
  'error.csr.base64': 'The certificate request is not valid base64.',
  'error.csr.notDer': 'The certificate request could not be read: it is not a DER PKCS#10 structure.',
  'error.csr.key.unreadable': 'The public key in the certificate request could not be read.',
  'error.csr.key.notRsa': 'The request holds a {type} key; use an RSA key of {min} bits or more.',
  'error.csr.key.short': "The request's RSA key has {bits} bits; use {min} bits or more.",
  'error.csr.key.evenModulus': "The request's RSA modulus is even, so it is not a real RSA key; make a new key.",
  'error.csr.key.exponent': "The request's RSA public exponent is {exponent}; use a key with exponent 65537.",
  'error.csr.subject': "The request's subject could not be read: it is malformed. Make the request with an empty or plain subject (e.g. /CN=your login).",
  'error.csr.extensionRequest': "The request's extensions could not be read: the extensionRequest attribute is malformed.",
  'error.csr.extension':
    "The request's {name} extension could not be read: its value is malformed. Make the request without it; the certificate's extensions are written by the server anyway.",
  'error.csr.altName': "The request's subjectAltName extension could not be read: one of its names is malformed.",
  'error.csr.signature': "The request's self-signature does not verify: it was altered, or signed with a key other than the one it contains.",
  'error.csr.algorithm': 'The request is signed with an algorithm this server does not check ({algorithm}): sign it with RSA and SHA-256 (PKCS #1 v1.5, or PSS with MGF1 over the same hash).',
  'error.csr.certified.enrollment': 'This key is already certified: make a new key for your registration.',
  'error.csr.certified.renewal': 'This key is already certified: renewal needs a new key.',
  'error.csr.certified.recovery': 'This key is already certified: recovery needs a new key.',
  'error.csr.certified.device': 'This key is already certified: a new device needs a key of its own.',

  // Certificates (src/protocol/certificate.ts, src/pki, the certificate routes).
  'error.certificate.reason.renewal': 'The reason is "superseded" (default) or "keyCompromise".',
  'error.certificate.reason.user': 'The reason is one of keyCompromise, cessationOfOperation, affiliationChanged, unspecified.',
  'error.certificate.revokeBody': 'Send an object with at most a reason.',
  'error.certificate.paste': 'Paste a certificate (PEM) or choose its file.',
  'error.certificate.tooLong': 'That is too long for one certificate.',
  'error.certificate.noneCurrent': 'You have no current certificate.',
  'error.language.unknown': 'Choose English (en) or French (fr).',
  'error.certificate.notIssuedHere': 'No certificate with serial {serial} was issued here.',
  'error.user.unknown': 'No user is registered as "{login}".',
  'error.user.noCertificate': '"{login}" is not registered, or has no current certificate.',

  // Groups (src/protocol/groups.ts, src/chat/groups.ts).
  'error.group.name.missing': 'Name the group.',
  'error.group.name.empty': 'Name the group, e.g. "Procurement".',
  'error.group.name.long': 'A group name can be at most {max} characters.',
  'error.group.name.control': 'A group name cannot hold control characters.',
  'error.group.member.login': 'A member is named by their login.',
  'error.group.member.directory': 'Each member must be a login from the directory.',
  'error.group.id': 'A group id is a lowercase UUIDv4.',
  'error.group.path.login': 'The path must name a login.',
  'error.group.notMember': 'You are not a member of group {id}, or there is no such group.',

  // Requests as a whole (src/web/errors.ts, src/web/validate.ts).
  'error.request.object': 'Send a JSON object with the fields {names}.',
  'error.request.unreadable': 'The request could not be read.',
  'error.request.tooLarge': 'The request body is larger than 64 KiB.',
  'error.request.csrf': 'This request came from another site and was refused (CSRF protection).',
  'error.request.nothingAt': 'Nothing is at {method} {path}.',
  'error.server.internal': 'Something went wrong on our side; nothing was changed. Please try again.',
  'error.server.database': 'The service cannot reach its database just now; nothing was changed. Try again in a moment.',
  'error.envelope.invalid': 'This is not a valid envelope.',
  'error.attachment.notFound': 'There is no such attachment, or it is not yours to read.',

  // Further refusals: devices, certificates, groups, messages, attachments, the directory, bodies.
  'error.link.gone.refused': 'This request was refused.',
  'error.link.gone.failed': 'This request ended after five wrong codes; the new device has to ask again.',
  'error.link.gone.expired': 'This request has expired; the new device has to ask again.',
  'error.link.gone.refusedHere': 'Your request was refused on one of your devices.',
  'error.link.gone.failedHere': 'The code was typed wrong five times: this request has ended. Ask again to get a new code.',
  'error.link.gone.expiredHere': 'This request expired before it was approved. Ask again to get a new code.',
  'error.device.notCurrent': 'Certificate {serial} is not one of your current devices.',
  'error.device.notOf': 'Certificate {serial} is not a device certificate of "{login}".',
  'error.device.tooMany': '"{login}" already has {max} devices; revoke one before linking another.',
  'error.cert.onePem': 'Send exactly one PEM certificate (-----BEGIN CERTIFICATE-----).',
  'error.cert.unreadable': 'The certificate could not be read.',
  'error.cert.untrusted': 'This certificate was not issued by TEKUP_chat.',
  'error.cert.notYetValid': 'This certificate is not valid before {notBefore}.',
  'error.cert.expired': 'This certificate expired on {notAfter}; renew it.',
  'error.cert.caExpired': 'The issuing CA certificate has expired.',
  'error.cert.notUser': 'This certificate is not a TEKUP_chat user certificate.',
  'error.cert.unwritable.email': 'This email address cannot be written into a certificate as it is: use one in plain ASCII, like name@example.org.',
  'error.cert.unwritable.text': 'This cannot be written into a certificate: it holds control, direction-override or unpaired surrogate characters.',
  'error.cert.unwritable': 'The certificate was not issued: {fields} cannot be written exactly.',
  'error.certificate.renewRevoked': 'Certificate {serial} was revoked; it cannot be renewed.',
  'error.certificate.alreadyRevoked': 'This certificate is already revoked.',
  'error.certificate.notIssuedByCa': 'No certificate with serial {serial} was issued by this CA.',
  'error.certificate.revokedAlready': 'Certificate {serial} ({login}) was already revoked on {revokedAt} ({reason}).',
  'error.certificate.noneToRevoke': '"{login}" has no valid certificate left to revoke.',
  'error.certificate.revokedMeanwhile': 'Certificate {serial} was revoked meanwhile ({at}).',
  'error.group.adminOnly': 'Only an admin of this group can do this.',
  'error.group.tooFew': 'A group needs at least one other member.',
  'error.group.tooFew.field': 'Pick at least one other person.',
  'error.group.tooMany': 'A group holds at most {max} members.',
  'error.group.tooMany.field': 'A group holds at most {max} members, you included: remove {extra}.',
  'error.group.unknownMembers': 'Some members are not registered.',
  'error.group.unknownMembers.field': 'No user is registered as {logins}.',
  'error.group.alreadyMember': '"{login}" is already a member of this group.',
  'error.group.alreadyMember.field': 'Already a member.',
  'error.group.full': 'This group is full: {max} members at most. Remove someone first.',
  'error.group.full.field': 'The group is full ({max} members).',
  'error.group.notAMember': '"{login}" is not a member of this group.',
  'error.group.busy': 'This group is being changed by someone else right now; try again.',
  'error.relay.notSender': 'You are logged in as "{login}" and cannot send as "{from}".',
  'error.relay.notOwner': 'Certificate {serial} is not one of the current certificates of "{login}".',
  'error.relay.revoked': 'Certificate {serial} was revoked on {at}.',
  'error.relay.expired': 'Certificate {serial} expired on {at}; renew it.',
  'error.relay.notYetValid': 'Certificate {serial} is not valid yet.',
  'error.relay.noLongerMember': 'You are no longer a member of this group.',
  'error.relay.replay': 'A message with id {id} was already accepted.',
  'error.relay.severalDevices': 'One of you has several devices now: wrap the message key for each of their certificates (envelope version 2).',
  'error.relay.groupChanged': 'The members or devices of this group changed (epoch {epoch}): wrap the message key again for exactly these certificates.',
  'error.relay.devicesChanged': 'The devices of this conversation changed: wrap the message key again for exactly these certificates.',
  'error.attachment.tooLarge': 'An attachment is at most {mib} MiB.',
  'error.attachment.tooLarge.kib': 'An attachment is at most {kib} KiB.',
  'error.attachment.quota': 'This would take you over your {mib} MiB of attachments.',
  'error.attachment.interrupted': 'The upload was interrupted; send it again.',
  'error.readMark.notInConversation': 'Message {seq} is not in your conversation with "{peer}".',
  'error.directory.unavailable': 'The user directory cannot be reached right now; please try again in a moment.',
  'error.directory.asciiEmail': 'This directory accepts only email addresses written in ASCII characters.',
  'error.body.tooLarge': 'The request body is larger than {mib} MiB.',
  'error.body.tooLarge.kib': 'The request body is larger than {kib} KiB.',
  'error.body.cutShort': 'The request body ended before it was complete.',
  'error.body.json': 'Send the request as application/json.',
  'error.body.notJson': 'The request body is not valid JSON.',
  'error.body.jsonOrForm': 'Send the request as application/json or multipart/form-data.',
  'error.body.form': 'The form data could not be read.',
  'error.relay.clockSkew': 'sentAt is more than 5 minutes away from the server clock; check your device time.',
  'error.relay.badSignature': 'The envelope signature does not verify with the sender certificate.',
  'error.relay.groupV2': 'A group message is an envelope version 2 (protocol §7).',
  'error.relay.unknownFile': 'The envelope lists a file you did not upload, or one deleted since (unsent uploads are kept 24 hours): upload it again.',
} as const;

export type ErrorId = keyof typeof en;

// French: vouvoiement, « guillemets », ’, and a no-break space (U+00A0) before : ; ? ! and inside « ».
const fr: { readonly [K in ErrorId]: ErrorMessageText } = {
  'error.validation.fields': { one: 'Un champ est à corriger.', other: '{count} champs sont à corriger.' },
  'error.validation.request': 'La requête est à corriger.',
  'error.validation.query': 'Les paramètres de la requête sont à corriger.',
  'error.validation.headers': 'Les en-têtes sont à corriger.',
  'error.validation.renewal': 'La demande de renouvellement est à corriger.',
  'error.validation.serial': 'Le numéro de série doit être en hexadécimal minuscule.',

  'error.enroll.card.missing': 'Saisissez le numéro de votre carte d’identité.',
  'error.enroll.card.digits': 'Le numéro de carte compte exactement 8 chiffres.',
  'error.enroll.card.invalid': 'Ce numéro de carte n’est pas valide.',
  'error.enroll.firstName.missing': 'Saisissez votre prénom.',
  'error.enroll.firstName.long': 'Votre prénom ne peut pas dépasser 64 caractères.',
  'error.enroll.firstName.letters': 'Votre prénom ne peut contenir que des lettres, des espaces, des traits d’union et des apostrophes, et doit commencer par une lettre.',
  'error.enroll.lastName.missing': 'Saisissez votre nom.',
  'error.enroll.lastName.long': 'Votre nom ne peut pas dépasser 64 caractères.',
  'error.enroll.lastName.letters': 'Votre nom ne peut contenir que des lettres, des espaces, des traits d’union et des apostrophes, et doit commencer par une lettre.',
  'error.enroll.login.missing': 'Choisissez un identifiant.',
  'error.enroll.login.pattern': 'Utilisez de 3 à 32 caractères : a–z, 0–9, point, tiret bas ou trait d’union, en commençant par une lettre.',
  'error.enroll.email.missing': 'Saisissez votre adresse e-mail.',
  'error.enroll.email.ascii':
    'Utilisez une adresse en ASCII simple : lettres a–z, chiffres et . _ % + - avant le @ ; lettres, chiffres, traits d’union et points après. Pas de lettres accentuées, d’espaces ni de caractères de contrôle.',
  'error.enroll.email.malformed': 'Saisissez une adresse e-mail valide, comme nom@example.org.',
  'error.enroll.password.missing': 'Choisissez un mot de passe.',
  'error.enroll.password.isLogin': 'Le mot de passe ne doit pas être votre identifiant.',
  'error.enroll.csr.missing': 'Joignez une demande de certificat (PEM).',
  'error.enroll.csr.large': 'La demande de certificat est trop volumineuse.',
  'error.text.atLeast': 'Utilisez au moins {min} caractères.',
  'error.text.atMost': 'Utilisez au plus {max} caractères.',
  'error.password.common': 'Ce mot de passe est trop courant ; choisissez-en un que personne ne devinerait.',
  'error.password.newMissing': 'Choisissez un nouveau mot de passe.',

  'error.taken.login': 'Cet identifiant est déjà pris ; choisissez-en un autre.',
  'error.taken.email': 'Un compte utilise déjà cette adresse e-mail.',
  'error.taken.cardNumber': 'Un compte est déjà inscrit avec ce numéro de carte.',

  'error.device.name.missing': 'Nommez cet appareil.',
  'error.device.name.empty': 'Nommez cet appareil, par exemple « Portable » ou « Téléphone ».',
  'error.device.name.long': 'Un nom d’appareil ne peut pas dépasser {max} caractères.',
  'error.device.name.control': 'Un nom d’appareil ne peut pas contenir de caractères de contrôle.',
  'error.device.serial': 'Un numéro de série s’écrit en hexadécimal minuscule.',

  'error.account.current.missing': 'Saisissez votre mot de passe actuel.',
  'error.account.current.wrong': 'Ce n’est pas votre mot de passe actuel.',
  'error.account.new.same': 'Choisissez un mot de passe différent de l’actuel.',

  'error.login.login.missing': 'Saisissez votre identifiant.',
  'error.login.password.missing': 'Saisissez votre mot de passe.',
  'error.login.certificate.missing': 'Envoyez votre certificat (PEM).',
  'error.login.certificate.large': 'Le certificat est trop volumineux.',
  'error.login.challenge.missing': 'Envoyez le défi qui vous a été remis.',
  'error.login.challenge.unknown': 'Ce défi n’a pas été émis par ce serveur.',
  'error.login.signature.missing': 'Envoyez la signature du défi (base64).',
  'error.login.signature.long': 'La signature est trop longue.',
  'error.login.signature.base64': 'La signature doit être en base64.',
  'error.login.wrong': 'L’identifiant ou le mot de passe est incorrect.',
  'error.login.notOwner': 'Ce certificat ne fait pas partie des certificats en cours de cet identifiant.',
  'error.login.revoked': 'Ce certificat a été révoqué le {revokedAt} ({reason}).',
  'error.login.challenge.unissued': 'Ce défi n’a pas été émis par ce serveur ou a déjà servi ; demandez-en un nouveau et signez-le.',
  'error.login.challenge.expired': 'Ce défi a expiré ; demandez-en un nouveau et signez-le.',
  'error.login.challenge.otherLogin': 'Ce défi a été émis pour un autre identifiant ; demandez-en un nouveau et signez-le.',
  'error.login.signature.bad': 'La signature du défi ne se vérifie pas avec la clé de ce certificat.',
  'error.session.required': 'Connectez-vous d’abord : envoyez votre jeton de session sous la forme « Authorization: Bearer … » ou le cookie de session.',
  'error.session.revoked': 'Le certificat avec lequel cette session a été ouverte a été révoqué ; reconnectez-vous.',
  'error.session.notFound': 'Vous n’avez aucune session avec cet identifiant ; elle est peut-être déjà terminée.',

  'error.rate.attempts': 'Trop de tentatives ; réessayez dans {seconds} s.',
  'error.rate.streams': 'Ce compte a déjà {max} connexions ouvertes ; fermez des onglets ou déconnectez des appareils, puis réessayez.',

  'error.recovery.code.missing': 'Saisissez le code de récupération que l’opérateur vous a remis.',
  'error.recovery.code.shape': 'Un code de récupération compte 26 lettres et chiffres, comme ABCD-EFGH-… ; vérifiez votre saisie.',
  'error.recovery.csr.missing': 'Joignez une demande de certificat (PEM) pour votre nouvelle clé.',
  'error.recovery.oneOfTwo': 'Saisissez votre mot de passe, ou un nouveau si vous l’avez oublié : l’un des deux.',
  'error.recovery.wrong': 'L’identifiant, le mot de passe ou le code de récupération est incorrect, ou bien le code a expiré ou a déjà servi.',
  'error.recovery.hours': 'Un code de récupération dure de 1 à {max} heures.',
  'error.recovery.hours.field': 'Indiquez une durée de 1 à {max} heures.',

  'error.link.code.missing': 'Saisissez le code à 6 chiffres affiché par le nouvel appareil.',
  'error.link.code.pattern': 'Le code est formé des 6 chiffres affichés par le nouvel appareil.',
  'error.link.id': 'Ce n’est pas l’identifiant d’une demande d’association.',
  'error.link.code.wrong': 'Le code est incorrect.',
  'error.link.code.triesLeft': {
    one: 'Ce n’est pas le code affiché par le nouvel appareil ; il reste un essai.',
    other: 'Ce n’est pas le code affiché par le nouvel appareil ; il reste {count} essais.',
  },
  'error.link.code.ended':
    'Ce n’est pas le code affiché par le nouvel appareil. C’était le cinquième code erroné : la demande est close ; refaites-la depuis le nouvel appareil.',
  'error.link.notFound': 'Vous n’avez aucune demande d’association avec cet identifiant ; elle a peut-être été supprimée.',
  'error.link.approved': 'Cet appareil est déjà associé.',
  'error.link.approving': 'Un autre de vos appareils est en train d’approuver cette demande.',
  'error.link.changed': 'Cette demande a changé entre-temps ; réessayez.',
  'error.link.noSuch': 'Aucune demande d’association ne correspond à cet identifiant et à ce secret.',
  'error.link.secret': 'Envoyez le secret reçu en réponse à cette demande, sous la forme « Authorization: Bearer SECRET ».',

  'error.csr.notPem':
    'Ce n’est pas une demande de certificat PEM : collez un seul bloc, de -----BEGIN CERTIFICATE REQUEST----- à -----END CERTIFICATE REQUEST-----.',
  'error.csr.base64': 'La demande de certificat n’est pas en base64 valide.',
  'error.csr.notDer': 'La demande de certificat n’a pas pu être lue : ce n’est pas une structure PKCS#10 en DER.',
  'error.csr.key.unreadable': 'La clé publique de la demande de certificat n’a pas pu être lue.',
  'error.csr.key.notRsa': 'La demande contient une clé {type} ; utilisez une clé RSA d’au moins {min} bits.',
  'error.csr.key.short': 'La clé RSA de la demande fait {bits} bits ; utilisez une clé d’au moins {min} bits.',
  'error.csr.key.evenModulus': 'Le module RSA de la demande est pair : ce n’est pas une vraie clé RSA ; générez une nouvelle clé.',
  'error.csr.key.exponent': 'L’exposant public RSA de la demande vaut {exponent} ; utilisez une clé d’exposant 65537.',
  'error.csr.subject':
    'Le sujet de la demande n’a pas pu être lu : il est mal formé. Faites la demande avec un sujet vide ou simple (par exemple /CN=votre identifiant).',
  'error.csr.extensionRequest': 'Les extensions de la demande n’ont pas pu être lues : l’attribut extensionRequest est mal formé.',
  'error.csr.extension':
    'L’extension {name} de la demande n’a pas pu être lue : sa valeur est mal formée. Faites la demande sans elle ; de toute façon, les extensions du certificat sont écrites par le serveur.',
  'error.csr.altName': 'L’extension subjectAltName de la demande n’a pas pu être lue : l’un de ses noms est mal formé.',
  'error.csr.signature': 'L’autosignature de la demande ne se vérifie pas : la demande a été modifiée, ou signée avec une autre clé que celle qu’elle contient.',
  'error.csr.algorithm': 'La demande est signée avec un algorithme que ce serveur ne vérifie pas ({algorithm}) : signez-la avec RSA et SHA-256 (PKCS #1 v1.5, ou PSS avec MGF1 sur le même hachage).',
  'error.csr.certified.enrollment': 'Cette clé est déjà certifiée : générez une nouvelle clé pour votre inscription.',
  'error.csr.certified.renewal': 'Cette clé est déjà certifiée : un renouvellement demande une nouvelle clé.',
  'error.csr.certified.recovery': 'Cette clé est déjà certifiée : une récupération demande une nouvelle clé.',
  'error.csr.certified.device': 'Cette clé est déjà certifiée : un nouvel appareil a besoin de sa propre clé.',

  'error.certificate.reason.renewal': 'Le motif est « superseded » (par défaut) ou « keyCompromise ».',
  'error.certificate.reason.user': 'Le motif est l’un de keyCompromise, cessationOfOperation, affiliationChanged, unspecified.',
  'error.certificate.revokeBody': 'Envoyez un objet qui contient au plus un motif (reason).',
  'error.certificate.paste': 'Collez un certificat (PEM) ou choisissez son fichier.',
  'error.certificate.tooLong': 'C’est trop long pour un seul certificat.',
  'error.certificate.noneCurrent': 'Vous n’avez aucun certificat en cours.',
  'error.language.unknown': 'Choisissez l’anglais (en) ou le français (fr).',
  'error.certificate.notIssuedHere': 'Aucun certificat de numéro de série {serial} n’a été émis ici.',
  'error.user.unknown': 'Aucun utilisateur n’est inscrit sous l’identifiant « {login} ».',
  'error.user.noCertificate': '« {login} » n’est pas inscrit, ou n’a aucun certificat en cours.',

  'error.group.name.missing': 'Nommez le groupe.',
  'error.group.name.empty': 'Nommez le groupe, par exemple « Achats ».',
  'error.group.name.long': 'Un nom de groupe ne peut pas dépasser {max} caractères.',
  'error.group.name.control': 'Un nom de groupe ne peut pas contenir de caractères de contrôle.',
  'error.group.member.login': 'Un membre se désigne par son identifiant.',
  'error.group.member.directory': 'Chaque membre doit être un identifiant de l’annuaire.',
  'error.group.id': 'Un identifiant de groupe est un UUIDv4 en minuscules.',
  'error.group.path.login': 'Le chemin doit désigner un identifiant.',
  'error.group.notMember': 'Vous n’êtes pas membre du groupe {id}, ou ce groupe n’existe pas.',

  'error.request.object': 'Envoyez un objet JSON avec les champs {names}.',
  'error.request.unreadable': 'La requête n’a pas pu être lue.',
  'error.request.tooLarge': 'Le corps de la requête dépasse 64 Kio.',
  'error.request.csrf': 'Cette requête venait d’un autre site et a été refusée (protection CSRF).',
  'error.request.nothingAt': 'Il n’y a rien à l’adresse {method} {path}.',
  'error.server.internal': 'Un problème est survenu de notre côté ; rien n’a été modifié. Veuillez réessayer.',
  'error.server.database': 'Le service ne peut pas joindre sa base de données pour le moment ; rien n’a été modifié. Réessayez dans un instant.',
  'error.envelope.invalid': 'Cette enveloppe n’est pas valide.',
  'error.attachment.notFound': 'Cette pièce jointe n’existe pas, ou vous n’avez pas le droit de la lire.',

  'error.link.gone.refused': 'Cette demande a été refusée.',
  'error.link.gone.failed': 'Cette demande a pris fin après cinq codes erronés ; le nouvel appareil doit refaire une demande.',
  'error.link.gone.expired': 'Cette demande a expiré ; le nouvel appareil doit refaire une demande.',
  'error.link.gone.refusedHere': 'Votre demande a été refusée sur l’un de vos appareils.',
  'error.link.gone.failedHere': 'Le code a été mal saisi cinq fois : cette demande a pris fin. Refaites une demande pour obtenir un nouveau code.',
  'error.link.gone.expiredHere': 'Cette demande a expiré avant d’être approuvée. Refaites une demande pour obtenir un nouveau code.',
  'error.device.notCurrent': 'Le certificat {serial} ne fait pas partie de vos appareils en cours.',
  'error.device.notOf': 'Le certificat {serial} n’est pas un certificat d’appareil de « {login} ».',
  'error.device.tooMany': '« {login} » a déjà {max} appareils ; révoquez-en un avant d’en associer un autre.',
  'error.cert.onePem': 'Envoyez exactement un certificat PEM (-----BEGIN CERTIFICATE-----).',
  'error.cert.unreadable': 'Le certificat n’a pas pu être lu.',
  'error.cert.untrusted': 'Ce certificat n’a pas été émis par TEKUP_chat.',
  'error.cert.notYetValid': 'Ce certificat n’est pas valide avant le {notBefore}.',
  'error.cert.expired': 'Ce certificat a expiré le {notAfter} ; renouvelez-le.',
  'error.cert.caExpired': 'Le certificat de l’autorité émettrice a expiré.',
  'error.cert.notUser': 'Ce certificat n’est pas un certificat d’utilisateur TEKUP_chat.',
  'error.cert.unwritable.email': 'Cette adresse e-mail ne peut pas être écrite telle quelle dans un certificat : utilisez-en une en ASCII simple, comme nom@example.org.',
  'error.cert.unwritable.text': 'Ce texte ne peut pas être écrit dans un certificat : il contient des caractères de contrôle, de forçage de direction ou des demi-codets isolés.',
  'error.cert.unwritable': 'Le certificat n’a pas été émis : {fields} ne peut pas être écrit tel quel.',
  'error.certificate.renewRevoked': 'Le certificat {serial} a été révoqué ; il ne peut pas être renouvelé.',
  'error.certificate.alreadyRevoked': 'Ce certificat est déjà révoqué.',
  'error.certificate.notIssuedByCa': 'Aucun certificat de numéro de série {serial} n’a été émis par cette autorité.',
  'error.certificate.revokedAlready': 'Le certificat {serial} ({login}) a déjà été révoqué le {revokedAt} ({reason}).',
  'error.certificate.noneToRevoke': '« {login} » n’a plus aucun certificat valide à révoquer.',
  'error.certificate.revokedMeanwhile': 'Le certificat {serial} a été révoqué entre-temps ({at}).',
  'error.group.adminOnly': 'Seul un administrateur de ce groupe peut faire cela.',
  'error.group.tooFew': 'Un groupe doit compter au moins un autre membre.',
  'error.group.tooFew.field': 'Choisissez au moins une autre personne.',
  'error.group.tooMany': 'Un groupe compte au plus {max} membres.',
  'error.group.tooMany.field': 'Un groupe compte au plus {max} membres, vous compris : retirez-en {extra}.',
  'error.group.unknownMembers': 'Certains membres ne sont pas inscrits.',
  'error.group.unknownMembers.field': 'Aucun utilisateur n’est inscrit sous {logins}.',
  'error.group.alreadyMember': '« {login} » est déjà membre de ce groupe.',
  'error.group.alreadyMember.field': 'Déjà membre.',
  'error.group.full': 'Ce groupe est complet : {max} membres au plus. Retirez d’abord quelqu’un.',
  'error.group.full.field': 'Le groupe est complet ({max} membres).',
  'error.group.notAMember': '« {login} » n’est pas membre de ce groupe.',
  'error.group.busy': 'Ce groupe est en cours de modification par quelqu’un d’autre ; réessayez.',
  'error.relay.notSender': 'Vous êtes connecté en tant que « {login} » et ne pouvez pas envoyer au nom de « {from} ».',
  'error.relay.notOwner': 'Le certificat {serial} ne fait pas partie des certificats en cours de « {login} ».',
  'error.relay.revoked': 'Le certificat {serial} a été révoqué le {at}.',
  'error.relay.expired': 'Le certificat {serial} a expiré le {at} ; renouvelez-le.',
  'error.relay.notYetValid': 'Le certificat {serial} n’est pas encore valide.',
  'error.relay.noLongerMember': 'Vous n’êtes plus membre de ce groupe.',
  'error.relay.replay': 'Un message d’identifiant {id} a déjà été accepté.',
  'error.relay.severalDevices': 'L’un de vous a désormais plusieurs appareils : chiffrez la clé du message pour chacun de ses certificats (enveloppe version 2).',
  'error.relay.groupChanged': 'Les membres ou les appareils de ce groupe ont changé (époque {epoch}) : chiffrez de nouveau la clé du message pour exactement ces certificats.',
  'error.relay.devicesChanged': 'Les appareils de cette conversation ont changé : chiffrez de nouveau la clé du message pour exactement ces certificats.',
  'error.attachment.tooLarge': 'Une pièce jointe fait au plus {mib}\u00a0Mio.',
  'error.attachment.tooLarge.kib': 'Une pièce jointe fait au plus {kib}\u00a0Kio.',
  'error.attachment.quota': 'Vous dépasseriez ainsi vos {mib} Mio de pièces jointes.',
  'error.attachment.interrupted': 'L’envoi a été interrompu ; envoyez le fichier à nouveau.',
  'error.readMark.notInConversation': 'Le message {seq} ne fait pas partie de votre conversation avec « {peer} ».',
  'error.directory.unavailable': 'L’annuaire des utilisateurs est injoignable pour le moment ; veuillez réessayer dans un instant.',
  'error.directory.asciiEmail': 'Cet annuaire n’accepte que des adresses e-mail écrites en caractères ASCII.',
  'error.body.tooLarge': 'Le corps de la requête dépasse {mib}\u00a0Mio.',
  'error.body.tooLarge.kib': 'Le corps de la requête dépasse {kib}\u00a0Kio.',
  'error.body.cutShort': 'Le corps de la requête s’est interrompu avant d’être complet.',
  'error.body.json': 'Envoyez la requête en application/json.',
  'error.body.notJson': 'Le corps de la requête n’est pas du JSON valide.',
  'error.body.jsonOrForm': 'Envoyez la requête en application/json ou en multipart/form-data.',
  'error.body.form': 'Les données du formulaire n’ont pas pu être lues.',
  'error.relay.clockSkew': 'sentAt s’écarte de plus de 5 minutes de l’horloge du serveur ; vérifiez l’heure de votre appareil.',
  'error.relay.badSignature': 'La signature de l’enveloppe ne se vérifie pas avec le certificat de l’expéditeur.',
  'error.relay.groupV2': 'Un message de groupe est une enveloppe version 2 (protocole §7).',
  'error.relay.unknownFile': 'L’enveloppe cite un fichier que vous n’avez pas téléversé, ou qui a été supprimé depuis (les fichiers non envoyés sont gardés 24 heures) : téléversez-le de nouveau.',
};

/** The texts in every language, by id (checked as a catalogue in src/shared/i18n/error-messages.ts). */
export const ERROR_MESSAGES = { en, fr } as const;

/** The {placeholders} a text names (each plural form's, and `count` for a plural). */
type Holes<T> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | Holes<Rest> : never;
type HolesOf<M> = M extends string ? Holes<M> : M extends { readonly other: string } ? 'count' | Holes<M[Exclude<keyof M, never>] & string> : never;
/** What `errorText(id, …)` takes: nothing for a fixed text, a value for each placeholder otherwise. */
export type ParamsFor<K extends ErrorId> = [HolesOf<(typeof en)[K]>] extends [never] ? [] : [params: Readonly<Record<HolesOf<(typeof en)[K]>, string | number>>];

/** Which text a refusal says, and with what values: what the web edge translates. */
export interface Say {
  readonly id: ErrorId;
  readonly params?: ErrorParams;
}

/** A refusal's text: the English, and what it says (one or more texts, joined by a space). */
export interface Said {
  readonly text: string;
  readonly say: readonly Say[];
}

/** One form of a message for `count` in English: the one a number other than 1 takes is `other`. */
function englishForm(message: ErrorMessageText, params?: ErrorParams): string {
  if (typeof message === 'string') return message;
  const count = Number(params?.count ?? 0);
  if (count === 0 && message.zero !== undefined) return message.zero;
  return count === 1 && message.one !== undefined ? message.one : message.other;
}

/** Fills {placeholders} as the English always wrote them: values as given, numbers as digits. */
function fill(template: string, params?: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params?.[name] === undefined ? whole : String(params[name])));
}

/** The English text `id` says with `params`. */
export function englishText<K extends ErrorId>(id: K, ...[params]: ParamsFor<K>): string {
  return fill(englishForm(en[id], params), params);
}

/**
 * A refusal's text by id: the English, and the id with its values so the web edge can say it in the
 * reader's language. Give it to DomainError as the message or as a field's message.
 */
export function errorText<K extends ErrorId>(id: K, ...rest: ParamsFor<K>): Said {
  const [params] = rest;
  return { text: englishText(id, ...rest), say: [params ? { id, params } : { id }] };
}

/** Several texts as one, joined by a space (e.g. every field a conflict names). */
export function joinSaid(parts: readonly Said[]): Said {
  return { text: parts.map((p) => p.text).join(' '), say: parts.flatMap((p) => p.say) };
}

export function isSaid(value: unknown): value is Said {
  return typeof value === 'object' && value !== null && typeof (value as Said).text === 'string' && Array.isArray((value as Said).say);
}
