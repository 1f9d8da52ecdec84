// Chats: the conversation list (everyone you can write to, online first) and one conversation.
// The server renders the frame; the messages themselves are ciphertext it cannot read, so the
// browser script fetches, opens and verifies each envelope and draws the bubbles from the
// <template>s below. Picking a conversation swaps the frame with htmx (same URL, full page
// without JavaScript).
import type { UserEntry } from '../../protocol/session.ts';
import { AppShell, Avatar, type Viewer } from '../components/Layout.tsx';
import { LoginAndPresence, SearchBox } from '../components/People.tsx';
import { groupedHex } from '../../shared/format.ts';
import { Icon } from '../components/icons.tsx';
import { GroupDialogs, GroupItemTemplate } from '../components/GroupPanel.tsx';
import { CertificateChip, CertificateFate, certificateBlock, DeviceCount, DeviceFingerprints, type DeviceFingerprint } from '../components/PeerCertificate.tsx';
import { useT } from '../i18n.ts';

export interface ChatProps {
  viewer: Viewer;
  users: UserEntry[];
  /** The person whose conversation is open, if any. */
  peer?: UserEntry;
  /** The peer's devices, each message is encrypted for: their names and fingerprints to compare. */
  peerDevices?: DeviceFingerprint[];
}

export function ConversationList({ users, me, peer }: { users: UserEntry[]; me: string; peer?: string }) {
  const t = useT();
  const others = users.filter((u) => u.login !== me);
  if (!others.length) {
    return (
      <div class="empty-note">
        <p>{t('chat.list.nobody')}</p>
        <p>{t('chat.list.invite')}</p>
      </div>
    );
  }
  return (
    <ul class="conv-list" data-conv-list>
      {others.map((u) => (
        <li data-login={u.login} data-search={`${u.firstName} ${u.lastName} ${u.login}`.toLowerCase()}>
          <a
            class="conv"
            id={`conv-${u.login}`}
            href={`/chat?with=${encodeURIComponent(u.login)}`}
            hx-get={`/chat?with=${encodeURIComponent(u.login)}`}
            hx-target="#chat"
            hx-swap="outerHTML"
            hx-push-url="true"
            aria-current={u.login === peer ? 'true' : undefined}
            data-conv={u.login}
          >
            <Avatar login={u.login} firstName={u.firstName} lastName={u.lastName} online={u.online} />
            <span class="conv-main">
              <span class="conv-name">{`${u.firstName} ${u.lastName}`}</span>
              <span class="conv-sub">
                {/* the login too: two people may share a name */}
                <LoginAndPresence user={u} />
              </span>
              <CertificateChip u={u} />
            </span>
            <span class="conv-side">
              <span class="conv-when" data-last-at={u.login}></span>
              <span class="count-badge" data-unread-for={u.login} hidden></span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Why nothing can be written to someone, by the state of their certificate. */
const BLOCKED_COMPOSER = {
  revoked: 'chat.composer.blocked.revoked',
  expired: 'chat.composer.blocked.expired',
  not_yet_valid: 'chat.composer.blocked.notyetvalid',
  unknown: 'chat.composer.blocked.unknown',
} as const;

function Conversation({ peer, devices = [] }: { peer: UserEntry; devices?: DeviceFingerprint[] }) {
  const t = useT();
  const name = `${peer.firstName} ${peer.lastName}`;
  const firstName = peer.firstName;
  const block = certificateBlock(peer);
  const blockedKey = block ? BLOCKED_COMPOSER[peer.certificateStatus as keyof typeof BLOCKED_COMPOSER] : undefined;
  return (
    <section class={block ? 'conversation is-blocked' : 'conversation'} aria-labelledby="conv-title" data-conversation={peer.login} data-peer-fingerprint={peer.fingerprint}>
      <header class="conv-head">
        <BackToChats />
        <Avatar login={peer.login} firstName={peer.firstName} lastName={peer.lastName} online={peer.online} />
        <div class="conv-head-main">
          <h1 id="conv-title" class="conv-title" tabindex={-1}>
            {name}
          </h1>
          <p class="conv-head-sub" id="conv-presence">
            <LoginAndPresence user={peer} />
            {peer.devices === undefined ? null : <span aria-hidden="true"> · </span>}
            <DeviceCount u={peer} />
          </p>
        </div>
        <details class="cert-pop" data-cert-pop={peer.certificateStatus}>
          {block ? (
            <summary class={`chip chip-${block.tone}`} aria-label={t('chat.cert.chip.label', { status: block.word })}>
              <Icon name="shieldAlert" />
              <span>{block.word}</span>
            </summary>
          ) : (
            <summary class="chip chip-ok">
              <Icon name="certificate" />
              <span>{t('chat.cert.chip')}</span>
            </summary>
          )}
          <div class="cert-pop-body">
            <p class="cert-pop-title">{t('chat.cert.title', { name })}</p>
            {block ? (
              <>
                <p class={`cert-pop-status is-${block.tone}`}>
                  <strong>
                    <CertificateFate u={peer} />
                  </strong>
                </p>
                <p class="muted">{t('chat.cert.blocked', { firstName })}</p>
              </>
            ) : devices.length > 1 ? (
              <p class="muted">{t('chat.cert.devices', { firstName, count: devices.length })}</p>
            ) : (
              <p class="muted">
                {`${t('chat.cert.issued')} `}
                <CertificateFate u={peer} />
                {` ${t('chat.cert.compare', { firstName })}`}
              </p>
            )}
            {!block && devices.length > 1 ? <DeviceFingerprints devices={devices} /> : <code class="fingerprint">{groupedHex(peer.fingerprint)}</code>}
          </div>
        </details>
      </header>
      <div class="callout callout-warning key-notice" data-key-notice role="status" hidden>
        <Icon name="certificate" />
        <div>
          <p>
            <strong>{t('chat.newkey.title', { name })}</strong>
            {` ${t('chat.newkey.text', { firstName })}`}
          </p>
          <code class="fingerprint" data-key-notice-fingerprint></code>
          <button type="button" class="btn btn-secondary btn-sm" data-action="accept-key">
            {t('chat.newkey.accept')}
          </button>
        </div>
      </div>
      <ConversationLog
        label={t('chat.log.peer.label', { name })}
        emptyTitle={t('chat.log.peer.empty.title', { firstName })}
        emptyText={t('chat.log.peer.empty.text', { firstName })}
      />
      <Composer
        label={t('chat.composer.peer.label', { name })}
        placeholder={t('chat.composer.peer.placeholder', { firstName })}
        blocked={blockedKey ? t(blockedKey, { firstName }) : undefined}
      />
    </section>
  );
}

/** The history of a conversation, 1:1 or group: the script fills the list (chat.ts). */
function ConversationLog({ label, emptyTitle, emptyText }: { label: string; emptyTitle: string; emptyText: string }) {
  const t = useT();
  return (
    <div class="log-wrap" data-log-wrap tabindex={0} role="region" aria-label={t('chat.log.label')}>
      <div class="older">
        <button type="button" class="btn btn-ghost btn-sm" data-action="older" hidden>
          <span class="spinner" aria-hidden="true"></span>
          {t('chat.log.older')}
        </button>
      </div>
      <div class="log-empty" data-log-empty hidden>
        <div class="log-empty-icon" aria-hidden="true">
          <Icon name="lock" />
        </div>
        <p>
          <strong data-log-empty-title>{emptyTitle}</strong>
        </p>
        <p class="muted" data-log-empty-text>
          {emptyText}
        </p>
      </div>
      <p class="log-loading" data-log-loading>
        <span class="spinner is-on" aria-hidden="true"></span> {t('chat.log.loading')}
      </p>
      <div class="messages-log" role="log" aria-live="polite" aria-relevant="additions" aria-label={label} data-messages-label>
        <ol class="messages" data-messages></ol>
      </div>
    </div>
  );
}

/** Where a message is written; `blocked` says why nothing can be sent (and disables it). */
function Composer({ label, placeholder, blocked }: { label: string; placeholder: string; blocked?: string }) {
  const t = useT();
  return (
    <>
      <form class="composer" data-composer autocomplete="off">
        {/* The input stays out of the tab order: the labelled button opens it (ui/attachments.ts). */}
        <input type="file" id="attach-files" class="visually-hidden" multiple tabindex={-1} aria-label={t('chat.composer.files.input')} data-attach-input disabled={Boolean(blocked)} />
        <button type="button" class="btn btn-ghost btn-attach" data-action="attach" aria-controls="composer-files" disabled={Boolean(blocked)}>
          <Icon name="paperclip" />
          <span class="visually-hidden">{t('chat.composer.attach')}</span>
        </button>
        <label for="compose" class="visually-hidden" data-compose-label>
          {label}
        </label>
        <textarea id="compose" name="text" rows={1} class="composer-input" placeholder={placeholder} maxlength={20000} aria-describedby="composer-hint" data-compose disabled={Boolean(blocked)}></textarea>
        <button type="submit" class="btn btn-primary btn-send" data-send disabled={Boolean(blocked)}>
          <Icon name="send" />
          <span class="visually-hidden">{t('chat.composer.send')}</span>
        </button>
      </form>
      <ul class="composer-files" id="composer-files" aria-label={t('chat.composer.files.list')} data-composer-files hidden></ul>
      <p class="composer-error" role="alert" data-composer-error hidden></p>
      <p class="composer-hint" id="composer-hint">
        <Icon name={blocked ? 'shieldAlert' : 'lock'} />
        <span>
          {blocked ?? (
            <>
              {t('chat.composer.encrypted')}
              {/* keyboard words, not for touch screens (app.css, chat.ts) */}
              <span class="keys-hint">{` · ${t('chat.composer.keys')}`}</span>
            </>
          )}
        </span>
      </p>
    </>
  );
}

/** The back link of a conversation's header, for phones (the list and the conversation share the screen). */
function BackToChats() {
  const t = useT();
  return (
    <a class="btn btn-ghost btn-icon conv-back" href="/chat" hx-get="/chat" hx-target="#chat" hx-swap="outerHTML" hx-push-url="true">
      <Icon name="back" />
      <span class="visually-hidden">{t('chat.back')}</span>
    </a>
  );
}

/**
 * The caller's groups (protocol §7), above the people: the server does not render them (the page
 * routes hold no group service), the script lists them from GET /api/v1/groups (ui/groups.ts).
 */
function GroupsSection() {
  const t = useT();
  return (
    <section class="groups" aria-labelledby="groups-title">
      <div class="groups-head">
        <h3 id="groups-title" class="groups-title">
          {t('chat.groups.title')}
        </h3>
        <button type="button" class="btn btn-ghost btn-sm" data-action="new-group" aria-haspopup="dialog">
          <Icon name="users" />
          {t('chat.groups.new')}
        </button>
      </div>
      <ul class="conv-list" data-group-list aria-labelledby="groups-title"></ul>
      <p class="groups-empty muted" data-groups-empty hidden>
        {t('chat.groups.none')}
      </p>
    </section>
  );
}

function NoConversation({ count }: { count: number }) {
  const t = useT();
  return (
    <section class="conversation conversation-empty" aria-labelledby="pick-title">
      <div class="pick">
        <div class="pick-icon" aria-hidden="true">
          <Icon name="chat" />
        </div>
        <h1 id="pick-title">{t('chat.pick.title')}</h1>
        <p class="muted">{count ? t('chat.pick.text') : t('chat.pick.nobody')}</p>
        <a class="btn btn-secondary" href="/directory">
          <Icon name="users" /> {t('chat.pick.directory')}
        </a>
      </div>
    </section>
  );
}

/** The frame htmx swaps when another conversation is picked. */
export function ChatFrame({ viewer, users, peer, peerDevices }: ChatProps) {
  const t = useT();
  const count = users.filter((u) => u.login !== viewer.login).length;
  return (
    <div id="chat" class={peer ? 'chat has-peer' : 'chat'} data-peer={peer?.login ?? ''}>
      <aside class="convs" aria-label={t('chat.list.label')}>
        <div class="convs-head">
          <h2 class="convs-title">{t('chat.title')}</h2>
          <SearchBox id="conv-filter" label={t('chat.list.search.label')} placeholder={t('chat.list.search.placeholder')} filter="conversations" small />
        </div>
        <div class="convs-scroll" data-filter-scope="conversations">
          <GroupsSection />
          <div
            id="conversations"
            class="convs-body"
            hx-get={`/ui/conversations${peer ? `?with=${encodeURIComponent(peer.login)}` : ''}`}
            hx-trigger="presence from:body delay:600ms"
            hx-swap="innerMorph"
          >
            <ConversationList users={users} me={viewer.login} peer={peer?.login} />
          </div>
        </div>
      </aside>
      {peer ? <Conversation peer={peer} devices={peerDevices} /> : <NoConversation count={count} />}
    </div>
  );
}

/** Markup the script clones for each message (icons and wording stay on the server). */
function Templates() {
  const t = useT();
  return (
    <>
      <template id="tpl-message">
        <li class="msg">
          <div class="bubble">
            <p class="msg-from" hidden></p>
            <p class="msg-text"></p>
            <p class="msg-meta">
              <time class="msg-time"></time>
              <span class="msg-state"></span>
            </p>
          </div>
        </li>
      </template>
      <template id="tpl-upload">
        <li class="upload">
          <Icon name="file" />
          <span class="upload-name" data-file-name></span>
          <span class="upload-size muted" data-file-size></span>
          <progress class="upload-progress" max={1} value={0}></progress>
          <button type="button" class="btn btn-ghost btn-sm" data-action="cancel-upload">
            <Icon name="x" />
            <span>{t('chat.upload.cancel')}</span>
          </button>
        </li>
      </template>
      <template id="tpl-attachment">
        <li class="msg-file">
          <div class="msg-file-card">
            <Icon name="file" />
            <p class="msg-file-text">
              <span class="msg-file-name" data-file-name></span>
              <span class="msg-file-meta" data-file-meta></span>
            </p>
            <button type="button" class="btn btn-secondary btn-sm" data-action="download-file" title={t('chat.file.download.title')}>
              <Icon name="download" />
              <span>{t('chat.file.download')}</span>
            </button>
          </div>
          <p class="msg-file-problem" data-file-problem hidden></p>
        </li>
      </template>
      <template id="tpl-day">
        <li class="day-sep">
          <span></span>
        </li>
      </template>
      <template id="tpl-verified">
        <span class="badge badge-ok" title={t('chat.msg.verified.title')}>
          <Icon name="shieldCheck" />
          <span>{t('chat.msg.verified')}</span>
        </span>
      </template>
      <template id="tpl-verified-since">
        <span class="badge badge-warn">
          <Icon name="shieldAlert" />
          <span>{t('chat.msg.verifiedsince')}</span>
          <span class="visually-hidden" data-since-text></span>
        </span>
      </template>
      <template id="tpl-proof">
        <button type="button" class="msg-proof" title={t('chat.msg.proof.title')}>
          {t('chat.msg.proof')}
        </button>
      </template>
      <template id="tpl-warning">
        <div class="msg-warning">
          <Icon name="shieldAlert" />
          <div>
            <p class="msg-warning-title">{t('chat.msg.unverified')}</p>
            <p class="msg-warning-reason"></p>
          </div>
        </div>
      </template>
      {/* Protocol §6: a message from before this device was linked holds no key for it. Not a fault: calm, not green. */}
      <template id="tpl-elsewhere">
        <div class="msg-elsewhere">
          <Icon name="key" />
          <div>
            <p class="msg-elsewhere-title">{t('chat.msg.elsewhere.title')}</p>
            <p class="msg-elsewhere-text">{t('chat.msg.elsewhere.text')}</p>
          </div>
        </div>
      </template>
      <template id="tpl-sending">
        <span class="msg-status is-sending">
          <span class="spinner is-on" aria-hidden="true"></span>
          <span>{t('chat.msg.sending')}</span>
        </span>
      </template>
      <template id="tpl-waiting">
        <span class="msg-status is-waiting" title={t('chat.msg.waiting.title')}>
          <Icon name="clock" />
          <span>{t('chat.msg.waiting')}</span>
        </span>
      </template>
      <template id="tpl-sent">
        <span class="msg-status">
          <Icon name="check" />
          <span>{t('chat.msg.sent')}</span>
        </span>
      </template>
      <template id="tpl-seen">
        <span class="msg-status is-seen" data-seen title={t('chat.msg.seen.title')}>
          <Icon name="eye" />
          <span>{t('chat.msg.seen')}</span>
        </span>
      </template>
      <template id="tpl-failed">
        <span class="msg-status is-failed">
          <Icon name="alert" />
          <span class="msg-failed-text">{t('chat.msg.failed')}</span>
          <button type="button" class="link-button" data-action="retry">
            {t('chat.msg.retry')}
          </button>
        </span>
      </template>
    </>
  );
}

/** A group conversation (protocol §7), built by the script from the group's id in the address. */
function GroupConversation() {
  const t = useT();
  return (
    <section class="conversation group-conversation" aria-labelledby="conv-title" data-conversation="" data-group="">
      <header class="conv-head">
        <BackToChats />
        <span class="avatar avatar-group" aria-hidden="true">
          <Icon name="users" />
        </span>
        <div class="conv-head-main">
          <h1 id="conv-title" class="conv-title" tabindex={-1} data-group-name></h1>
          <p class="conv-head-sub" id="conv-presence" data-group-sub></p>
        </div>
        <button type="button" class="btn btn-secondary btn-sm" data-action="group-members" aria-haspopup="dialog">
          <Icon name="users" />
          <span>{t('chat.group.members')}</span>
        </button>
      </header>
      <div class="callout callout-info group-gone" data-group-gone role="status" hidden>
        <Icon name="info" />
        <p>
          <strong>{t('chat.group.gone.title')}</strong> {t('chat.group.gone.text')}
        </p>
      </div>
      <ConversationLog label={t('chat.log.group.label')} emptyTitle={t('chat.log.group.empty.title')} emptyText={t('chat.log.group.empty.text')} />
      <Composer label={t('chat.composer.group.label')} placeholder={t('chat.composer.group.placeholder')} />
    </section>
  );
}

/** Markup the group script clones: the conversation, a line of the chat list, change lines, "Seen by". */
function GroupTemplates() {
  const t = useT();
  return (
    <>
      <template id="tpl-group-conversation">
        <GroupConversation />
      </template>
      <GroupItemTemplate />
      <template id="tpl-change">
        <li class="log-event">
          <span class="log-event-text"></span> <time class="log-event-time"></time>
        </li>
      </template>
      <template id="tpl-seen-by">
        <details class="seen-by" data-seen-by>
          <summary class="msg-status is-seen">
            <Icon name="eye" />
            <span data-seen-by-count></span>
          </summary>
          <ul class="seen-by-list" data-seen-by-list></ul>
        </details>
      </template>
      <template id="tpl-not-member">
        <div class="msg-warning">
          <Icon name="shieldAlert" />
          <div>
            <p class="msg-warning-title">{t('chat.msg.notmember')}</p>
            <p class="msg-warning-reason"></p>
          </div>
        </div>
      </template>
    </>
  );
}

export function ChatPage(props: ChatProps) {
  const t = useT();
  return (
    <AppShell title={props.peer ? `${props.peer.firstName} ${props.peer.lastName}` : t('chat.title')} page="chat" viewer={props.viewer}>
      <ChatFrame {...props} />
      <Templates />
      <GroupTemplates />
      <GroupDialogs />
    </AppShell>
  );
}
