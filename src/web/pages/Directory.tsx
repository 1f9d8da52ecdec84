// The directory (protocol §4): everyone registered, online first, last seen, how many devices each
// has, and the fingerprint of each device's certificate (to compare out of band); someone whose
// certificate is revoked or expired is shown so, with no Message button. The list is a fragment
// htmx reloads when the event stream reports a presence change.
import type { UserEntry } from '../../protocol/session.ts';
import { AppShell, Avatar, type Viewer } from '../components/Layout.tsx';
import { groupedHex } from '../../shared/format.ts';
import { LoginAndPresence, SearchBox } from '../components/People.tsx';
import { Icon } from '../components/icons.tsx';
import { CannotMessage, certificateBlock, DeviceCount, DeviceFingerprints, type DeviceFingerprint } from '../components/PeerCertificate.tsx';
import { useT } from '../i18n.ts';

/**
 * `devices`: each device of the people who have more than one, by login; someone with one device
 * is shown by the fingerprint of their certificate alone.
 */
export function DirectoryList({ users, me, devices }: { users: UserEntry[]; me: string; devices?: ReadonlyMap<string, DeviceFingerprint[]> }) {
  const t = useT();
  const online = users.filter((u) => u.online).length;
  return (
    <div class="directory-body">
      <p class="directory-count" data-directory-count>
        <span class="dot-online" aria-hidden="true"></span>
        {`${t('chat.directory.online', { count: online })} · ${t('chat.directory.registered', { count: users.length })}`}
      </p>
      <ul class="people" aria-label={t('chat.directory.people')}>
        {users.map((u) => (
          <li class="person" id={`person-${u.login}`} data-login={u.login} data-search={`${u.firstName} ${u.lastName} ${u.login}`.toLowerCase()}>
            <Avatar login={u.login} firstName={u.firstName} lastName={u.lastName} online={u.online} />
            <div class="person-main">
              <p class="person-name">
                {`${u.firstName} ${u.lastName}`}
                {u.login === me ? <span class="tag">{t('chat.directory.you')}</span> : null}
              </p>
              <p class="person-sub">
                <LoginAndPresence user={u} />
                {u.devices === undefined ? null : <span aria-hidden="true"> · </span>}
                <DeviceCount u={u} />
              </p>
            </div>
            <div class="person-fp">
              {(devices?.get(u.login)?.length ?? 0) > 1 && !certificateBlock(u) ? (
                <>
                  <span class="fp-label">
                    <Icon name="fingerprint" />
                    <span>{t('chat.directory.fp.devices')}</span>
                  </span>
                  <DeviceFingerprints devices={devices!.get(u.login)!} />
                </>
              ) : (
                <>
                  <span class="fp-label">
                    <Icon name="fingerprint" />
                    <span>{t('chat.directory.fp.certificate')}</span>
                  </span>
                  <code class={certificateBlock(u) ? 'fingerprint is-void' : 'fingerprint'} title={`SHA-256 ${u.fingerprint}`}>
                    {groupedHex(u.fingerprint)}
                  </code>
                </>
              )}
            </div>
            <div class="person-actions">
              {u.login === me ? null : certificateBlock(u) ? (
                <CannotMessage u={u} />
              ) : (
                <a class="btn btn-secondary btn-sm" href={`/chat?with=${encodeURIComponent(u.login)}`}>
                  <Icon name="chat" />
                  <span>
                    {t('chat.directory.message')}
                    <span class="visually-hidden">{` ${t('chat.directory.message.to', { name: `${u.firstName} ${u.lastName}` })}`}</span>
                  </span>
                </a>
              )}
            </div>
          </li>
        ))}
      </ul>
      <p class="empty-note" data-filter-empty hidden>
        {t('chat.directory.nomatch')}
      </p>
    </div>
  );
}

export function DirectoryPage({ viewer, users, devices }: { viewer: Viewer; users: UserEntry[]; devices?: ReadonlyMap<string, DeviceFingerprint[]> }) {
  const t = useT();
  return (
    <AppShell title={t('chat.directory.title')} page="directory" viewer={viewer}>
      <div class="page-wrap">
        <header class="page-head">
          <div>
            <h1>{t('chat.directory.title')}</h1>
            <p class="lead">{t('chat.directory.lead')}</p>
          </div>
          <SearchBox id="people-filter" label={t('chat.directory.search.label')} placeholder={t('chat.directory.search.placeholder')} filter="people" />
        </header>
        <section class="card" aria-label={t('chat.directory.people')}>
          <div id="directory" hx-get="/ui/directory" hx-trigger="presence from:body delay:600ms" hx-swap="innerMorph" data-filter-scope="people">
            <DirectoryList users={users} me={viewer.login} devices={devices} />
          </div>
        </section>
      </div>
    </AppShell>
  );
}
