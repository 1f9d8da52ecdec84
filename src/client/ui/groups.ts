// Group conversations on the chat page (protocol §7). The server renders no group (its page
// routes hold no group service): this script lists the caller's groups above the people, opens a
// group at /chat?group=ID by cloning the conversation from its <template>, and runs it as the
// 1:1 conversation of chat.ts runs, with a group's own recipients (every current certificate of
// every member, at the group's epoch), its own last check (the sender a member at the message's
// epoch), its changes as lines of the conversation, "Seen by k of n", and the members dialog
// (add, remove, make admin, rename, leave). A removed member keeps what was said up to the removal,
// read-only, on any device: the server lists such groups (GET /api/v1/groups/former) and gives
// their history up to the removal (GET /api/v1/groups/{id}/history), which senders are checked against.
import { pageTime } from './times.ts';
import {
  GROUP_NAME_MAX,
  groupAddress,
  type FormerGroupSummary,
  type Group,
  type GroupDetail,
  type GroupEvent,
  type GroupMember,
  type GroupRecord,
  type GroupSummary,
} from '../../protocol/groups.ts';
import { isGroupAddress, type EnvelopeV2 } from '../../protocol/envelope.ts';
import type { UserEntry } from '../../protocol/session.ts';
import type { OpenedMessage, OpenedMessageV2 } from '../envelope.ts';
import type { ProofGroup } from '../proof.ts';
import { changeText, membersAt, sealForGroup, seenBy, senderWasMember, type ReadMark } from '../groups.ts';
import { ApiError, api } from './api.ts';
import { deviceCertificates } from './certs.ts';
import { $, $$, fromTemplate, must, setBusy } from './dom.ts';
import { Conversation, openConversation, openOne, registerConversation, SendProblem, startConversation, unlockedKey, type AnyEnvelope, type Opened } from './chat.ts';
import { me, noteSummaries, renderUnread } from './shell.ts';
import { t } from '../i18n.ts';

// ---------- the directory: names and presence of the people in groups ----------
const people = new Map<string, UserEntry>();
let directoryLoad: Promise<void> | undefined;
function loadDirectory(fresh = false): Promise<void> {
  if (!directoryLoad || fresh) {
    directoryLoad = api<UserEntry[]>('GET', '/api/v1/users').then((list) => {
      for (const u of list) people.set(u.login, u);
    });
    directoryLoad.catch(() => (directoryLoad = undefined));
  }
  return directoryLoad;
}
/** The name the directory gives a login; the login itself for anyone it does not list. */
const fullName = (login: string) => {
  const u = people.get(login);
  return u ? `${u.firstName} ${u.lastName}` : login;
};
/** "1 member", "3 members". */
const count = (n: number) => t('msg.group.members', { count: n });
/** "Amira Ben Salah (amira)": a person to pick; `presence`: with " · online" when they are. */
const person = (u: UserEntry, presence = false) =>
  t(presence && u.online ? 'msg.group.person.online' : 'msg.group.person', { name: `${u.firstName} ${u.lastName}`, login: u.login });
const isOnline = (login: string) => login === me() || Boolean(people.get(login)?.online);

// ---------- the list of groups ----------
let summaries: GroupSummary[] = [];
/** Groups the caller was removed from or left: listed after the others, read-only. */
let formers: FormerGroupSummary[] = [];

/** The liveliest first, as GET /api/v1/groups sorts them: the newest message, then the newest group. */
const liveliest = (a: Pick<GroupSummary, 'lastSeq' | 'createdAt'>, b: Pick<GroupSummary, 'lastSeq' | 'createdAt'>) =>
  Number(b.lastSeq) - Number(a.lastSeq) || b.createdAt.localeCompare(a.createdAt);

async function loadGroups(): Promise<void> {
  const [current, former] = await Promise.all([api<GroupSummary[]>('GET', '/api/v1/groups'), api<FormerGroupSummary[]>('GET', '/api/v1/groups/former')]);
  summaries = current;
  // Added back between the two answers: a member again.
  formers = former.filter((g) => !current.some((c) => c.id === g.id));
  // The counts of the current groups come with every conversation's (shell.ts); a former one's only here.
  noteSummaries(formers.map((g) => ({ with: groupAddress(g.id), unread: g.unread, lastSeq: g.lastSeq, lastAt: g.lastAt ?? '' })));
  renderGroupList();
}

function renderGroupList(): void {
  const list = $<HTMLUListElement>('[data-group-list]');
  if (!list) return;
  const open = openGroupId();
  const shown = new Map($$<HTMLLIElement>(':scope > li', list).map((li) => [li.dataset.group ?? '', li]));
  const rows = [
    ...[...summaries].sort(liveliest).map((g) => ({ g, sub: count(g.members.length), former: false })),
    ...[...formers].sort(liveliest).map((g) => ({ g, sub: t('msg.group.former'), former: true })),
  ];
  const items = rows.map(({ g, sub, former }) => {
    const li = shown.get(g.id) ?? groupItem(g.id);
    li.dataset.search = g.name.toLowerCase();
    li.classList.toggle('is-former', former);
    const a = must<HTMLAnchorElement>('[data-group-link]', li);
    if (g.id === open) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
    must('[data-group-item-name]', li).textContent = g.name;
    must('[data-group-item-sub]', li).textContent = sub;
    return li;
  });
  // Only the rows out of place move, so a link being tabbed through stays where it is; one that
  // moves (a new message lifts its group) is given its focus back.
  const focused = list.contains(document.activeElement) ? (document.activeElement as HTMLElement) : undefined;
  items.forEach((li, i) => {
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null);
  });
  for (const li of shown.values()) if (!items.includes(li)) li.remove();
  if (focused?.isConnected && document.activeElement !== focused) focused.focus();
  const empty = $('[data-groups-empty]');
  if (empty) empty.hidden = items.length > 0;
  renderUnread();
}

/** A new line of the list, for the group `id`. */
function groupItem(id: string): HTMLLIElement {
  const li = fromTemplate<HTMLLIElement>('tpl-group-item');
  const address = groupAddress(id);
  li.dataset.group = id;
  const a = must<HTMLAnchorElement>('[data-group-link]', li);
  a.href = `/chat?group=${id}`;
  a.dataset.groupLink = id;
  a.dataset.conv = address;
  must('[data-last-at]', li).dataset.lastAt = address;
  must('[data-unread-for]', li).dataset.unreadFor = address;
  return li;
}

/** A message in a group (shell.ts): the group moves up the list, as the server would list it now. */
function groupActivity(peer: string, seq: number, at: string): void {
  if (!isGroupAddress(peer)) return;
  const g = [...summaries, ...formers].find((s) => groupAddress(s.id) === peer);
  if (!g) return reloadGroupsSoon(); // a group this page has not listed yet
  if (Number(g.lastSeq) >= seq) return;
  g.lastSeq = String(seq);
  g.lastAt = at;
  renderGroupList();
}

let reloadTimer: ReturnType<typeof setTimeout> | undefined;
/** Several changes in a row (a group created with its members) cost one reload. */
function reloadGroupsSoon(): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => void loadGroups().catch(() => {}), 150);
}

// ---------- opening a group ----------
function openGroupId(): string | undefined {
  const conv = openConversation();
  return conv instanceof GroupConversation ? conv.groupId : undefined;
}

/** The group conversation in place of whatever the frame shows, at its own address. */
function openGroup(id: string, push: boolean): void {
  const chat = $('#chat');
  const old = chat && $('.conversation', chat);
  if (!chat || !old) return;
  if (openGroupId() === id) return;
  const section = fromTemplate<HTMLElement>('tpl-group-conversation');
  section.dataset.conversation = groupAddress(id);
  section.dataset.group = id;
  old.replaceWith(section);
  chat.classList.add('has-peer');
  for (const a of $$('.conv[aria-current]', chat)) a.removeAttribute('aria-current');
  $(`[data-group-link="${CSS.escape(id)}"]`, chat)?.setAttribute('aria-current', 'true');
  if (push) {
    // Entries htmx restores, as it does a person's conversation (its history is "reload": the page
    // at that address again). Back to an entry it did not mark, such as the page as first loaded,
    // would otherwise change the address and leave the group shown.
    if (!history.state?.htmx) history.replaceState({ htmx: true }, '', location.href);
    history.pushState({ htmx: true }, '', `/chat?group=${id}`);
  }
  startConversation();
  const input = $<HTMLTextAreaElement>('[data-compose]', section);
  if (input && matchMedia('(min-width: 761px)').matches) input.focus();
  else $<HTMLElement>('#conv-title', section)?.focus();
}

const groupFromAddress = (): string | undefined => new URL(location.href).searchParams.get('group') ?? undefined;

// ---------- one group conversation ----------
/**
 * A group as its conversation needs it: what the caller may know of it (all of it while a member,
 * up to their removal after), and, for a member, who is in it now and how far each has read.
 */
type GroupView = GroupRecord & Pick<GroupDetail, 'members' | 'reads'>;

/** 404 from the server: the group is not one of the caller's (in this capacity). */
const absent = (err: unknown): undefined => {
  if (err instanceof ApiError && err.status === 404) return undefined;
  throw err;
};

class GroupConversation extends Conversation {
  readonly groupId: string;
  detail?: GroupView;
  /** No longer a member: read-only, with the history up to the removal. */
  private gone = false;
  private loading?: Promise<void>;
  private readonly marks = new Map<string, ReadMark>();
  private readonly certs = new Map<string, Promise<{ serial: string; publicKey: CryptoKey }[]>>();
  private readonly shownChanges = new Set<number>();
  protected override readonly attempts = 3;

  constructor(section: HTMLElement) {
    super(section);
    this.groupId = section.dataset.group!;
    must('[data-action="group-members"]', section).addEventListener('click', () => members.open(this));
  }

  protected override async prepare(): Promise<void> {
    await loadDirectory().catch(() => {});
    await this.reload();
  }

  /** The group as the server has it now, for a member or a former member. */
  reload(): Promise<void> {
    this.loading ??= this.fetchView()
      .then(
        (view) => (view ? this.apply(view) : this.notMine()),
        (err: unknown) => {
          if (!this.detail) this.block(err instanceof Error ? err.message : String(err));
        },
      )
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** GET /groups/{id} for a member, GET /groups/{id}/history for a former one; undefined for anyone else. */
  private async fetchView(): Promise<GroupView | undefined> {
    const asMember = async (): Promise<GroupView | undefined> => {
      const detail = await api<GroupDetail>('GET', `/api/v1/groups/${this.groupId}`).catch(absent);
      return detail && { ...detail, member: true };
    };
    const asFormer = async (): Promise<GroupView | undefined> => {
      const record = await api<GroupRecord>('GET', `/api/v1/groups/${this.groupId}/history`).catch(absent);
      return record && !record.member ? { ...record, members: [], reads: {} } : undefined;
    };
    // The list says which to ask first; the other answers when a change came in between.
    const former = formers.some((g) => g.id === this.groupId);
    return (await (former ? asFormer : asMember)()) ?? (await (former ? asMember : asFormer)());
  }

  /** Neither a member nor a former member: the server says nothing of the group, nor does the page. */
  private notMine(): void {
    must('[data-group-name]', this.section).textContent = t('msg.group.notfound');
    must('[data-action="group-members"]', this.section).hidden = true;
    this.block(t('msg.group.notmine'));
  }

  private apply(view: GroupView): void {
    const readsBefore = this.detail?.reads;
    this.detail = view;
    for (const [reader, seq] of Object.entries(view.reads)) {
      const known = this.marks.get(reader);
      if (!known || known.seq < Number(seq)) this.marks.set(reader, { seq: Number(seq) });
    }
    this.renderHead();
    for (const e of view.history) this.showChange(e);
    if (!view.member) this.leaveReadOnly();
    if (readsBefore !== view.reads) void this.resolveMarks().then(() => this.updateSeen());
    members.refresh(this);
  }

  /** A change pushed by the server (`event: group`): its line at once, then the group as it is now. */
  async changed(e: GroupEvent): Promise<void> {
    if (!this.detail) return;
    // Someone registered since the directory was read is named, not shown as a login.
    if ([e.change.by, e.change.login].some((login) => login && !people.has(login))) await loadDirectory(true).catch(() => {});
    this.showChange(e);
    await this.reload();
  }

  private leaveReadOnly(): void {
    if (this.gone) return;
    this.gone = true;
    must('[data-group-gone]', this.section).hidden = false;
    must('[data-action="group-members"]', this.section).hidden = true;
    this.block(t('msg.group.gone'));
    this.renderHead();
    members.closeFor(this);
  }

  private renderHead(): void {
    const d = this.detail;
    if (!d) return;
    must('[data-group-name]', this.section).textContent = d.name;
    const online = d.members.filter((m) => isOnline(m.login)).length;
    must('[data-group-sub]', this.section).textContent = this.gone ? t('msg.group.gone.short') : t('msg.group.sub', { members: count(d.members.length), online });
    must('[data-compose-label]', this.section).textContent = t('msg.group.compose.label', { name: d.name });
    must<HTMLTextAreaElement>('[data-compose]', this.section).placeholder = t('msg.group.compose.placeholder', { name: d.name });
    must('[data-messages-label]', this.section).setAttribute('aria-label', t('msg.group.messages.label', { name: d.name }));
  }

  presence(): void {
    this.renderHead();
    members.refresh(this);
  }

  /** A line of the conversation for the change: who did what, when. */
  private showChange(e: GroupEvent): void {
    if (this.shownChanges.has(e.epoch)) return;
    this.shownChanges.add(e.epoch);
    const li = fromTemplate<HTMLLIElement>('tpl-change');
    li.dataset.at = e.change.at;
    li.dataset.epoch = String(e.epoch);
    must('.log-event-text', li).textContent = changeText(e.change, me(), fullName);
    const time = must<HTMLTimeElement>('.log-event-time', li);
    time.dateTime = e.change.at;
    time.textContent = pageTime(e.change.at, 'time');
    time.title = pageTime(e.change.at);
    const stick = this.nearEnd();
    this.place(li);
    this.redoDays();
    if (stick) this.scrollToEnd();
  }

  protected override canSend(): boolean {
    return Boolean(unlockedKey() && this.detail && !this.gone);
  }

  /** Every check of a message, then the group's: its sender was a member at its epoch (§7). */
  protected override async open(envelope: AnyEnvelope): Promise<Opened> {
    const opened = await openOne(envelope);
    if (!opened.ok) return opened;
    if (envelope.v !== 2) return { ok: false, reason: t('msg.group.version') };
    let check = senderWasMember(envelope, this.groupId, this.detail?.history ?? []);
    if (!check.ok && check.code === 'unknown_epoch' && !this.gone) {
      await this.reload();
      check = senderWasMember(envelope, this.groupId, this.detail?.history ?? []);
    }
    if (check.ok) return opened;
    return { ok: false, reason: check.reason, template: check.code === 'not_a_member' ? 'tpl-not-member' : undefined };
  }

  protected override render(e: AnyEnvelope, o: Opened, live: boolean): HTMLLIElement {
    const li = super.render(e, o, live);
    if (e.v === 2 && e.epoch !== undefined) li.dataset.epoch = String(e.epoch);
    if (e.from !== me()) {
      const from = must('.msg-from', li);
      from.textContent = fullName(e.from);
      from.title = e.from;
      from.hidden = false;
    }
    return li;
  }

  protected override proofGroup(message: OpenedMessage | OpenedMessageV2): ProofGroup | undefined {
    const epoch = message.envelope.v === 2 ? message.envelope.epoch : undefined;
    if (!this.detail || epoch === undefined) return undefined;
    return { id: this.groupId, name: this.detail.name, epoch, members: [...membersAt(this.detail.history, epoch, [])] };
  }

  protected override async seal(li: HTMLLIElement, fresh: boolean): Promise<EnvelopeV2> {
    const u = unlockedKey();
    if (!u) throw new SendProblem(t('msg.key.locked'));
    return sealForGroup(
      { signKey: u.keys.sign, from: u.login, senderCertSerial: u.serial, text: li.dataset.text ?? '', attachments: this.attachedTo(li), id: li.dataset.id!, sentAt: new Date(li.dataset.at!) },
      {
        group: async (again) => {
          if (again || !this.detail) await this.reload();
          if (!this.detail || this.gone) throw new SendProblem(t('msg.group.gone'));
          return this.detail;
        },
        certificates: (login, again) => this.certificatesOf(login, again),
      },
      fresh,
    );
  }

  private certificatesOf(login: string, fresh: boolean): Promise<{ serial: string; publicKey: CryptoKey }[]> {
    let hit = this.certs.get(login);
    if (!hit || fresh) {
      hit = deviceCertificates(login).then((list) => list.map((d) => ({ serial: d.serial, publicKey: d.keys.encrypt })));
      hit.catch(() => this.certs.delete(login));
      this.certs.set(login, hit);
    }
    return hit;
  }

  protected override failureText(err: unknown): string {
    if (err instanceof ApiError && err.code === 'recipients_changed') {
      return t('msg.group.send.changed');
    }
    return super.failureText(err);
  }

  override async receive(envelope: AnyEnvelope, seq: number): Promise<void> {
    await super.receive(envelope, seq);
    this.updateSeen();
  }

  protected override afterLoad(): void {
    void this.resolveMarks().then(() => this.updateSeen());
  }

  protected override afterSent(): void {
    this.updateSeen();
  }

  /** A read receipt from a member (`event: seen` of this group). */
  seenBy(reader: string, upTo: number, id: string): void {
    const known = this.marks.get(reader);
    if (known && known.seq >= upTo) return;
    this.marks.set(reader, { seq: upTo, id });
    this.updateSeen();
  }

  /**
   * The group's read marks are seqs; the page knows its messages by id. A mark at or past the
   * newest message shown is that message; an older one is looked up (the newest message at or
   * before it), once per mark.
   */
  private async resolveMarks(): Promise<void> {
    const shown = $$<HTMLLIElement>('.msg', this.list).filter((m) => !m.classList.contains('is-pending') && !m.classList.contains('is-waiting'));
    const last = shown.at(-1)?.dataset.id;
    await Promise.all(
      [...this.marks].map(async ([reader, mark]) => {
        if (mark.id) return;
        if (mark.seq >= this.newest && last) {
          this.marks.set(reader, { ...mark, id: last });
          return;
        }
        const page = await api<{ messages: AnyEnvelope[] }>('GET', `/api/v1/messages?with=${encodeURIComponent(this.peer)}&before=${mark.seq + 1}&limit=1`).catch(() => undefined);
        const id = page?.messages.at(-1)?.id;
        if (id && this.marks.get(reader)?.seq === mark.seq) this.marks.set(reader, { ...mark, id });
      }),
    );
  }

  /** "Seen by k of n" on the newest of one's own messages, with who in a list under it. */
  private updateSeen(): void {
    if (!this.detail) return;
    for (const old of $$('[data-seen-by]', this.list)) {
      const state = old.parentElement;
      old.remove();
      if (state && !$('.msg-status', state)) state.prepend(fromTemplate('tpl-sent'));
    }
    const entries = $$<HTMLLIElement>('.msg', this.list);
    const mine = entries.filter((m) => m.classList.contains('is-mine') && m.classList.contains('is-verified')).at(-1);
    if (!mine) return;
    const position = (id: string) => {
      const at = entries.indexOf(this.items.get(id)!);
      return at < 0 ? undefined : at;
    };
    const epoch = mine.dataset.epoch ? Number(mine.dataset.epoch) : undefined;
    const others = membersAt(this.detail.history, epoch, this.detail.members.map((m) => m.login));
    const { readers, of } = seenBy({ position: entries.indexOf(mine), from: me(), members: others }, this.marks, position, Number.POSITIVE_INFINITY);
    if (!readers.length) return;
    const box = fromTemplate('tpl-seen-by');
    const seen = readers.length === of ? t('msg.group.seen.all', { count: of }) : t('msg.group.seen.some', { count: readers.length, of });
    must('[data-seen-by-count]', box).textContent = seen;
    must('summary', box).title = t('msg.group.seen.title', { seen, names: readers.map(fullName).join(', ') });
    must('[data-seen-by-list]', box).replaceChildren(
      ...readers.map((r) => {
        const li = document.createElement('li');
        li.textContent = `${fullName(r)} (${r})`;
        return li;
      }),
    );
    const state = must('.msg-state', mine);
    $('.msg-status', state)?.remove(); // "Sent" gives way to "Seen by"
    state.prepend(box);
  }

  amAdmin(): boolean {
    return Boolean(this.detail?.members.some((m) => m.login === me() && m.role === 'admin'));
  }
}

// ---------- dialogs ----------
/** Asks before something that cannot be undone; `run` failing keeps the dialog open with the reason. */
const confirmBox = {
  dialog: undefined as HTMLDialogElement | undefined,
  run: undefined as (() => Promise<void>) | undefined,
  init(): void {
    const dialog = $<HTMLDialogElement>('#group-confirm-dialog');
    if (!dialog) return;
    this.dialog = dialog;
    const form = must<HTMLFormElement>('form', dialog);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const run = this.run;
      if (!run) return;
      const submit = must<HTMLButtonElement>('[data-submit]', form);
      const error = must('[data-form-error]', form);
      setBusy(submit, true);
      try {
        await run();
        dialog.close();
      } catch (err) {
        error.textContent = err instanceof Error ? err.message : String(err);
        error.hidden = false;
      } finally {
        setBusy(submit, false);
      }
    });
  },
  ask(title: string, text: string, action: string, run: () => Promise<void>): void {
    const dialog = this.dialog;
    if (!dialog) return;
    must('[data-confirm-title]', dialog).textContent = title;
    must('[data-confirm-text]', dialog).textContent = text;
    must('[data-submit-label]', dialog).textContent = action;
    must('[data-form-error]', dialog).hidden = true;
    this.run = run;
    dialog.showModal();
  },
};

/** The members of the open group: roles, presence, and an admin's actions. */
const members = {
  dialog: undefined as HTMLDialogElement | undefined,
  conv: undefined as GroupConversation | undefined,

  init(): void {
    const dialog = $<HTMLDialogElement>('#group-members-dialog');
    if (!dialog) return;
    this.dialog = dialog;
    dialog.addEventListener('close', () => (this.conv = undefined));
    must('[data-member-list]', dialog).addEventListener('click', (e) => {
      const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button[data-action]') : null;
      const login = button?.closest<HTMLElement>('[data-member]')?.dataset.member;
      const conv = this.conv;
      if (!button || !login || !conv) return;
      if (button.dataset.action === 'make-admin') void this.act(button, () => api<Group>('POST', `/api/v1/groups/${conv.groupId}/admins`, { login }));
      if (button.dataset.action === 'remove-member') {
        confirmBox.ask(t('msg.group.remove.title', { name: fullName(login) }), t('msg.group.remove.text', { login }), t('msg.group.remove.action'), async () => {
          await this.change(() => api<Group>('DELETE', `/api/v1/groups/${conv.groupId}/members/${encodeURIComponent(login)}`));
        });
      }
    });
    const add = must<HTMLFormElement>('[data-form="group-add"]', dialog);
    add.addEventListener('submit', (e) => {
      e.preventDefault();
      const conv = this.conv;
      const login = must<HTMLSelectElement>('select', add).value;
      if (!conv) return;
      if (!login) return fieldError(add, 'login', t('msg.group.add.none'));
      void this.act(must<HTMLButtonElement>('[data-submit]', add), () => api<Group>('POST', `/api/v1/groups/${conv.groupId}/members`, { login }), add);
    });
    const rename = must<HTMLFormElement>('[data-form="group-rename"]', dialog);
    rename.addEventListener('submit', (e) => {
      e.preventDefault();
      const conv = this.conv;
      const name = must<HTMLInputElement>('input', rename).value.trim();
      if (!conv) return;
      const problem = nameProblem(name);
      if (problem) return fieldError(rename, 'name', problem);
      void this.act(must<HTMLButtonElement>('[data-submit]', rename), () => api<Group>('PATCH', `/api/v1/groups/${conv.groupId}`, { name }), rename);
    });
    must('[data-action="leave-group"]', dialog).addEventListener('click', () => {
      const conv = this.conv;
      if (!conv?.detail) return;
      confirmBox.ask(t('msg.group.leave.title', { name: conv.detail.name }), t('msg.group.leave.text'), t('msg.group.leave.action'), async () => {
        await this.change(() => api<Group>('DELETE', `/api/v1/groups/${conv.groupId}/members/${encodeURIComponent(me())}`));
      });
    });
  },

  open(conv: GroupConversation): void {
    if (!this.dialog || !conv.detail) return;
    this.conv = conv;
    for (const f of $$<HTMLFormElement>('form', this.dialog)) fieldError(f, f.dataset.form === 'group-add' ? 'login' : 'name', undefined);
    must<HTMLInputElement>('#group-rename-name', this.dialog).value = conv.detail.name;
    must('[data-members-error]', this.dialog).hidden = true;
    this.refresh(conv);
    this.dialog.showModal();
    void loadDirectory(true).then(() => this.refresh(conv), () => {});
  },

  closeFor(conv: GroupConversation): void {
    if (this.conv === conv) this.dialog?.close();
  },

  refresh(conv: GroupConversation): void {
    const dialog = this.dialog;
    const d = conv.detail;
    if (!dialog || this.conv !== conv || !d) return;
    const admin = conv.amAdmin();
    must('#group-members-title', dialog).textContent = t('msg.group.dialog.title', { name: d.name });
    must('[data-members-count]', dialog).textContent = t('msg.group.dialog.count', { members: count(d.members.length), online: d.members.filter((m) => isOnline(m.login)).length });
    const order = (a: GroupMember, b: GroupMember) => Number(b.role === 'admin') - Number(a.role === 'admin') || a.login.localeCompare(b.login);
    must('[data-member-list]', dialog).replaceChildren(...[...d.members].sort(order).map((m) => memberRow(m, admin)));
    must('[data-admin-only]', dialog).hidden = !admin;
    const select = must<HTMLSelectElement>('#group-add-login', dialog);
    const chosen = select.value;
    const inGroup = new Set(d.members.map((m) => m.login));
    const choose = new Option(t('msg.group.add.choose'), '');
    const candidates = [...people.values()].filter((u) => !inGroup.has(u.login)).sort((a, b) => a.login.localeCompare(b.login));
    select.replaceChildren(choose, ...candidates.map((u) => new Option(person(u), u.login)));
    if (candidates.some((u) => u.login === chosen)) select.value = chosen;
  },

  /** An admin's change; the answer is the group after it, shown at once (the event follows). */
  async change(request: () => Promise<Group>): Promise<void> {
    const conv = this.conv;
    try {
      await request();
    } catch (err) {
      throw new Error(err instanceof ApiError ? err.message : String(err));
    }
    await conv?.reload();
    if (conv) this.refresh(conv);
  },

  async act(button: HTMLButtonElement, request: () => Promise<Group>, form?: HTMLFormElement): Promise<void> {
    const error = must('[data-members-error]', this.dialog!);
    error.hidden = true;
    setBusy(button, true);
    try {
      await this.change(request);
      // The person added leaves the list; the name field shows the name the group has now.
      if (form?.dataset.form === 'group-add') form.reset();
      else if (form) must<HTMLInputElement>('input', form).value = this.conv?.detail?.name ?? '';
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      error.hidden = false;
    } finally {
      setBusy(button, false);
    }
  },
};

function memberRow(m: GroupMember, admin: boolean): HTMLLIElement {
  const li = fromTemplate<HTMLLIElement>('tpl-member-row');
  li.dataset.member = m.login;
  const online = isOnline(m.login);
  must('[data-member-dot]', li).classList.toggle('is-online', online);
  must('[data-member-name]', li).textContent = m.login === me() ? t('msg.group.member.you', { name: fullName(m.login) }) : fullName(m.login);
  must('[data-member-sub]', li).textContent = t('msg.group.member.sub', {
    login: m.login,
    role: t(m.role === 'admin' ? 'msg.group.role.admin' : 'msg.group.role.member'),
    presence: t(online ? 'msg.presence.online' : 'msg.presence.offline'),
  });
  const actions = must('[data-member-actions]', li);
  actions.hidden = !admin || m.login === me();
  const makeAdmin = must<HTMLButtonElement>('[data-action="make-admin"]', actions);
  makeAdmin.hidden = m.role === 'admin';
  makeAdmin.setAttribute('aria-label', t('msg.group.makeadmin', { login: m.login }));
  must('[data-action="remove-member"]', actions).setAttribute('aria-label', t('msg.group.remove.label', { login: m.login }));
  return li;
}

/** The error next to a field of a small form (or none). */
function fieldError(form: HTMLFormElement, name: string, message: string | undefined): void {
  const slot = $(`[data-error-for="${name}"]`, form);
  const input = form.elements.namedItem(name);
  if (slot) slot.textContent = message ?? '';
  if (input instanceof HTMLElement) {
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    input.closest('.field')?.classList.toggle('is-invalid', Boolean(message));
    if (message) input.focus();
  }
}

/** The server's rule for a name (groupNameSchema), said before asking it. */
function nameProblem(name: string): string | undefined {
  if (!name) return t('msg.group.name.empty');
  if (name.length > GROUP_NAME_MAX) return t('msg.group.name.long', { max: GROUP_NAME_MAX });
  return undefined;
}

/** Creating a group: a name and the people, picked from the directory. */
const creator = {
  init(): void {
    const dialog = $<HTMLDialogElement>('#new-group-dialog');
    if (!dialog) return;
    const form = must<HTMLFormElement>('form', dialog);
    const choices = must<HTMLUListElement>('[data-member-choices]', form);
    const membersError = must('[data-error-for="members"]', form);
    const showMembersError = (message: string | undefined) => {
      membersError.textContent = message ?? '';
      must('.member-picker', form).classList.toggle('is-invalid', Boolean(message));
      if (message) $<HTMLInputElement>('input[name="members"]', choices)?.focus();
    };
    document.addEventListener('click', async (e) => {
      if (!(e.target instanceof Element) || !e.target.closest('[data-action="new-group"]')) return;
      form.reset();
      fieldError(form, 'name', undefined);
      showMembersError(undefined);
      must('[data-form-error]', form).hidden = true;
      dialog.showModal();
      await loadDirectory(true).catch(() => {});
      const others = [...people.values()].filter((u) => u.login !== me()).sort((a, b) => a.firstName.localeCompare(b.firstName) || a.login.localeCompare(b.login));
      choices.replaceChildren(
        ...others.map((u) => {
          const li = fromTemplate<HTMLLIElement>('tpl-member-choice');
          li.dataset.search = `${u.firstName} ${u.lastName} ${u.login}`.toLowerCase();
          must<HTMLInputElement>('input', li).value = u.login;
          must('[data-choice-name]', li).textContent = person(u, true);
          return li;
        }),
      );
    });
    must<HTMLInputElement>('[data-member-filter]', form).addEventListener('input', (e) => {
      const q = (e.target as HTMLInputElement).value.trim().toLowerCase();
      for (const li of $$<HTMLLIElement>('li', choices)) li.hidden = Boolean(q) && !(li.dataset.search ?? '').includes(q);
    });
    // Enter in the filter box picks nothing and sends nothing.
    must<HTMLInputElement>('[data-member-filter]', form).addEventListener('keydown', (e) => {
      if (e.key === 'Enter') e.preventDefault();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = must<HTMLInputElement>('input[name="name"]', form).value.trim();
      const picked = $$<HTMLInputElement>('input[name="members"]:checked', choices).map((i) => i.value);
      const nameIssue = nameProblem(name);
      const membersIssue = picked.length ? undefined : t('msg.group.pick');
      fieldError(form, 'name', nameIssue);
      showMembersError(membersIssue);
      if (nameIssue || membersIssue) {
        if (nameIssue) must<HTMLInputElement>('input[name="name"]', form).focus();
        return;
      }
      const submit = must<HTMLButtonElement>('[data-submit]', form);
      const error = must('[data-form-error]', form);
      error.hidden = true;
      setBusy(submit, true);
      try {
        const group = await api<Group>('POST', '/api/v1/groups', { name, members: picked });
        dialog.close();
        await loadGroups().catch(() => {});
        openGroup(group.id, true);
      } catch (err) {
        if (err instanceof ApiError && (err.fields.name || err.fields.members)) {
          fieldError(form, 'name', err.fields.name);
          showMembersError(err.fields.members);
        } else {
          error.textContent = err instanceof Error ? err.message : String(err);
          error.hidden = false;
        }
      } finally {
        setBusy(submit, false);
      }
    });
  },
};

export async function initGroups(): Promise<void> {
  registerConversation((section) => (section.dataset.group ? new GroupConversation(section) : undefined));
  confirmBox.init();
  members.init();
  creator.init();
  for (const b of $$('[data-action="close-dialog"]')) b.addEventListener('click', () => b.closest('dialog')?.close());

  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element ? e.target.closest<HTMLAnchorElement>('a[data-group-link]') : null;
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    openGroup(link.dataset.groupLink!, true);
  });
  document.body.addEventListener('group', (e) => {
    const event = (e as CustomEvent<GroupEvent>).detail;
    const conv = openConversation();
    if (conv instanceof GroupConversation && conv.groupId === event.id) void conv.changed(event);
    reloadGroupsSoon();
  });
  document.body.addEventListener('activity', (e) => {
    const { with: peer, seq, at } = (e as CustomEvent<{ with: string; seq: number; at: string }>).detail;
    groupActivity(peer, seq, at);
  });
  document.body.addEventListener('group-seen', (e) => {
    const d = (e as CustomEvent<{ with: string; reader: string; upTo: string; id: string }>).detail;
    const conv = openConversation();
    if (conv instanceof GroupConversation && conv.peer === d.with) conv.seenBy(d.reader, Number(d.upTo), d.id);
  });
  document.body.addEventListener('presence', (e) => {
    const { login, online } = (e as CustomEvent<{ login: string; online: boolean }>).detail;
    const u = people.get(login);
    if (u) people.set(login, { ...u, online });
    const conv = openConversation();
    if (conv instanceof GroupConversation && conv.detail?.members.some((m) => m.login === login)) conv.presence();
  });
  // Another person's conversation swapped the frame in (htmx): the groups are listed in it again.
  document.body.addEventListener('htmx:after:swap', () => {
    if ($('[data-group-list]:empty')) renderGroupList();
  });
  renderGroupList();
  await loadGroups().catch(() => {});
  const id = groupFromAddress();
  if (id && isGroupAddress(groupAddress(id))) openGroup(id, false);
}

