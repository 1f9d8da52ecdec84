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

export interface ChatProps {
  viewer: Viewer;
  users: UserEntry[];
  /** The person whose conversation is open, if any. */
  peer?: UserEntry;
  /** The peer's devices, each message is encrypted for: their names and fingerprints to compare. */
  peerDevices?: DeviceFingerprint[];
}

export function ConversationList({ users, me, peer }: { users: UserEntry[]; me: string; peer?: string }) {
  const others = users.filter((u) => u.login !== me);
  if (!others.length) {
    return (
      <div class="empty-note">
        <p>Nobody else has registered yet.</p>
        <p>Invite someone: they can create an account from the registration page.</p>
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

function Conversation({ peer, devices = [] }: { peer: UserEntry; devices?: DeviceFingerprint[] }) {
  const name = `${peer.firstName} ${peer.lastName}`;
  const block = certificateBlock(peer);
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
            <summary class={`chip chip-${block.tone}`} aria-label={`Certificate: ${block.word}`}>
              <Icon name="shieldAlert" />
              <span>{block.word}</span>
            </summary>
          ) : (
            <summary class="chip chip-ok">
              <Icon name="certificate" />
              <span>Certificate</span>
            </summary>
          )}
          <div class="cert-pop-body">
            <p class="cert-pop-title">{`${name}'s certificate`}</p>
            {block ? (
              <>
                <p class={`cert-pop-status is-${block.tone}`}>
                  <strong>
                    <CertificateFate u={peer} />
                  </strong>
                </p>
                <p class="muted">{`Messages cannot be encrypted for ${peer.firstName} until they get a new certificate. Messages they signed before keep their signature. Its fingerprint was:`}</p>
              </>
            ) : devices.length > 1 ? (
              <p class="muted">
                {`Issued by TEKUP_chat. Each message is encrypted for ${peer.firstName}'s ${devices.length} devices below. Compare each fingerprint with ${peer.firstName} in person to be sure they are all theirs.`}
              </p>
            ) : (
              <p class="muted">
                {'Issued by TEKUP_chat. '}
                <CertificateFate u={peer} />
                {` Compare this fingerprint with ${peer.firstName} in person to be sure.`}
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
            <strong>{`${name} has a new certificate and key`}</strong>
            {` since you last opened this conversation in this browser. TEKUP_chat issued it. To be sure it is ${peer.firstName}'s, compare this fingerprint with ${peer.firstName} in person:`}
          </p>
          <code class="fingerprint" data-key-notice-fingerprint></code>
          <button type="button" class="btn btn-secondary btn-sm" data-action="accept-key">
            Got it
          </button>
        </div>
      </div>
      <ConversationLog
        label={`Messages with ${name}`}
        emptyTitle={`Start your conversation with ${peer.firstName}.`}
        emptyText={`Messages are encrypted for ${peer.firstName} and you only, and signed with your key.`}
      />
      <Composer
        label={`Message to ${name}`}
        placeholder={`Message ${peer.firstName}…`}
        blocked={block ? `${peer.firstName}'s certificate is ${block.word.toLowerCase()}: messages cannot be encrypted for them until they get a new one.` : undefined}
      />
    </section>
  );
}

/** The history of a conversation, 1:1 or group: the script fills the list (chat.ts). */
function ConversationLog({ label, emptyTitle, emptyText }: { label: string; emptyTitle: string; emptyText: string }) {
  return (
    <div class="log-wrap" data-log-wrap tabindex={0} role="region" aria-label="Conversation history">
      <div class="older">
        <button type="button" class="btn btn-ghost btn-sm" data-action="older" hidden>
          <span class="spinner" aria-hidden="true"></span>
          Load earlier messages
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
        <span class="spinner is-on" aria-hidden="true"></span> Opening your messages…
      </p>
      <div class="messages-log" role="log" aria-live="polite" aria-relevant="additions" aria-label={label} data-messages-label>
        <ol class="messages" data-messages></ol>
      </div>
    </div>
  );
}

/** Where a message is written; `blocked` says why nothing can be sent (and disables it). */
function Composer({ label, placeholder, blocked }: { label: string; placeholder: string; blocked?: string }) {
  return (
    <>
      <form class="composer" data-composer autocomplete="off">
        {/* The input stays out of the tab order: the labelled button opens it (ui/attachments.ts). */}
        <input type="file" id="attach-files" class="visually-hidden" multiple tabindex={-1} aria-label="Files to attach" data-attach-input disabled={Boolean(blocked)} />
        <button type="button" class="btn btn-ghost btn-attach" data-action="attach" aria-controls="composer-files" disabled={Boolean(blocked)}>
          <Icon name="paperclip" />
          <span class="visually-hidden">Attach files</span>
        </button>
        <label for="compose" class="visually-hidden" data-compose-label>
          {label}
        </label>
        <textarea id="compose" name="text" rows={1} class="composer-input" placeholder={placeholder} maxlength={20000} aria-describedby="composer-hint" data-compose disabled={Boolean(blocked)}></textarea>
        <button type="submit" class="btn btn-primary btn-send" data-send disabled={Boolean(blocked)}>
          <Icon name="send" />
          <span class="visually-hidden">Send</span>
        </button>
      </form>
      <ul class="composer-files" id="composer-files" aria-label="Files to send" data-composer-files hidden></ul>
      <p class="composer-error" role="alert" data-composer-error hidden></p>
      <p class="composer-hint" id="composer-hint">
        <Icon name={blocked ? 'shieldAlert' : 'lock'} />
        <span>
          {blocked ?? (
            <>
              End-to-end encrypted
              {/* keyboard words, not for touch screens (app.css, chat.ts) */}
              <span class="keys-hint"> · Enter to send, Shift+Enter for a new line</span>
            </>
          )}
        </span>
      </p>
    </>
  );
}

/** The back link of a conversation's header, for phones (the list and the conversation share the screen). */
function BackToChats() {
  return (
    <a class="btn btn-ghost btn-icon conv-back" href="/chat" hx-get="/chat" hx-target="#chat" hx-swap="outerHTML" hx-push-url="true">
      <Icon name="back" />
      <span class="visually-hidden">Back to all chats</span>
    </a>
  );
}

/**
 * The caller's groups (protocol §7), above the people: the server does not render them (the page
 * routes hold no group service), the script lists them from GET /api/v1/groups (ui/groups.ts).
 */
function GroupsSection() {
  return (
    <section class="groups" aria-labelledby="groups-title">
      <div class="groups-head">
        <h3 id="groups-title" class="groups-title">
          Groups
        </h3>
        <button type="button" class="btn btn-ghost btn-sm" data-action="new-group" aria-haspopup="dialog">
          <Icon name="users" />
          New group
        </button>
      </div>
      <ul class="conv-list" data-group-list aria-labelledby="groups-title"></ul>
      <p class="groups-empty muted" data-groups-empty hidden>
        No groups yet.
      </p>
    </section>
  );
}

function NoConversation({ count }: { count: number }) {
  return (
    <section class="conversation conversation-empty" aria-labelledby="pick-title">
      <div class="pick">
        <div class="pick-icon" aria-hidden="true">
          <Icon name="chat" />
        </div>
        <h1 id="pick-title">Pick someone to talk to</h1>
        <p class="muted">
          {count ? 'Choose a person in the list. Every message you send is encrypted for them and signed by you.' : 'When others register, they appear here.'}
        </p>
        <a class="btn btn-secondary" href="/directory">
          <Icon name="users" /> Open the directory
        </a>
      </div>
    </section>
  );
}

/** The frame htmx swaps when another conversation is picked. */
export function ChatFrame({ viewer, users, peer, peerDevices }: ChatProps) {
  const count = users.filter((u) => u.login !== viewer.login).length;
  return (
    <div id="chat" class={peer ? 'chat has-peer' : 'chat'} data-peer={peer?.login ?? ''}>
      <aside class="convs" aria-label="Conversations">
        <div class="convs-head">
          <h2 class="convs-title">Chats</h2>
          <SearchBox id="conv-filter" label="Search conversations" placeholder="Search" filter="conversations" small />
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
            <span>Cancel</span>
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
            <button type="button" class="btn btn-secondary btn-sm" data-action="download-file" title="Decrypted and checked against the sender's signed SHA-256 before it is saved">
              <Icon name="download" />
              <span>Download</span>
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
        <span class="badge badge-ok" title="Signature and encryption checked with the sender's certificate">
          <Icon name="shieldCheck" />
          <span>Verified</span>
        </span>
      </template>
      <template id="tpl-verified-since">
        <span class="badge badge-warn">
          <Icon name="shieldAlert" />
          <span>Verified when sent</span>
          <span class="visually-hidden" data-since-text></span>
        </span>
      </template>
      <template id="tpl-proof">
        <button type="button" class="msg-proof" title="Download this message with its signature, the sender's certificate and the CA chain: anyone can check with openssl that the sender wrote it">
          Save proof
        </button>
      </template>
      <template id="tpl-warning">
        <div class="msg-warning">
          <Icon name="shieldAlert" />
          <div>
            <p class="msg-warning-title">This message could not be verified and is not shown.</p>
            <p class="msg-warning-reason"></p>
          </div>
        </div>
      </template>
      {/* Protocol §6: a message from before this device was linked holds no key for it. Not a fault: calm, not green. */}
      <template id="tpl-elsewhere">
        <div class="msg-elsewhere">
          <Icon name="key" />
          <div>
            <p class="msg-elsewhere-title">Sent before this device was linked</p>
            <p class="msg-elsewhere-text">It was encrypted for your other devices only. Open it on another of your devices, or bring your history here with your key backup file.</p>
          </div>
        </div>
      </template>
      <template id="tpl-sending">
        <span class="msg-status is-sending">
          <span class="spinner is-on" aria-hidden="true"></span>
          <span>Sending…</span>
        </span>
      </template>
      <template id="tpl-waiting">
        <span class="msg-status is-waiting" title="Sent as soon as the connection returns">
          <Icon name="clock" />
          <span>Waiting for connection</span>
        </span>
      </template>
      <template id="tpl-sent">
        <span class="msg-status">
          <Icon name="check" />
          <span>Sent</span>
        </span>
      </template>
      <template id="tpl-seen">
        <span class="msg-status is-seen" data-seen title="The recipient has read the conversation up to here">
          <Icon name="eye" />
          <span>Seen</span>
        </span>
      </template>
      <template id="tpl-failed">
        <span class="msg-status is-failed">
          <Icon name="alert" />
          <span class="msg-failed-text">Not sent.</span>
          <button type="button" class="link-button" data-action="retry">
            Retry
          </button>
        </span>
      </template>
    </>
  );
}

/** A group conversation (protocol §7), built by the script from the group's id in the address. */
function GroupConversation() {
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
          <span>Members</span>
        </button>
      </header>
      <div class="callout callout-info group-gone" data-group-gone role="status" hidden>
        <Icon name="info" />
        <p>
          <strong>You are no longer a member of this group.</strong> You keep its messages up to then; nothing sent since reaches you, and you cannot write here.
        </p>
      </div>
      <ConversationLog label="Group messages" emptyTitle="No messages yet." emptyText="Messages are encrypted for every member's devices, and signed with your key." />
      <Composer label="Message to the group" placeholder="Message the group…" />
    </section>
  );
}

/** Markup the group script clones: the conversation, a line of the chat list, change lines, "Seen by". */
function GroupTemplates() {
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
            <p class="msg-warning-title">Not verified: not a member at that time.</p>
            <p class="msg-warning-reason"></p>
          </div>
        </div>
      </template>
    </>
  );
}

export function ChatPage(props: ChatProps) {
  return (
    <AppShell title={props.peer ? `${props.peer.firstName} ${props.peer.lastName}` : 'Chats'} page="chat" viewer={props.viewer}>
      <ChatFrame {...props} />
      <Templates />
      <GroupTemplates />
      <GroupDialogs />
    </AppShell>
  );
}
