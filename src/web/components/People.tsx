// How a person is named in lists: their login and presence, and the filter box over such lists.
import type { UserEntry } from '../../protocol/session.ts';
import { Icon } from './icons.tsx';
import { TimeAgo } from './Time.tsx';
import { useT } from '../i18n.ts';

export function PresenceText({ user }: { user: Pick<UserEntry, 'online' | 'lastSeen'> }) {
  const t = useT();
  if (user.online) return <span class="presence-text is-online">{t('chat.presence.online')}</span>;
  if (!user.lastSeen) return <span class="presence-text">{t('chat.presence.never')}</span>;
  return (
    <span class="presence-text">
      <TimeAgo iso={user.lastSeen} prefix={t('chat.presence.last')} />
    </span>
  );
}

/** "@login · Online" (or last seen): how a person is named under their full name. */
export function LoginAndPresence({ user }: { user: Pick<UserEntry, 'login' | 'online' | 'lastSeen'> }) {
  return (
    <>
      <span class="person-login">@{user.login}</span>
      <span aria-hidden="true"> · </span>
      <PresenceText user={user} />
    </>
  );
}

/** A filter box for a list on the page (the browser script filters by `data-filter`); its words come translated from the caller. */
export function SearchBox(p: { id: string; label: string; placeholder: string; filter: string; small?: boolean }) {
  return (
    <div class={p.small ? 'search search-sm' : 'search'}>
      <label for={p.id} class="visually-hidden">
        {p.label}
      </label>
      <Icon name="search" />
      <input id={p.id} type="search" class="input" placeholder={p.placeholder} autocomplete="off" data-filter={p.filter} />
    </div>
  );
}
