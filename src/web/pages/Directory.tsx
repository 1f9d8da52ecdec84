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

/**
 * `devices`: each device of the people who have more than one, by login; someone with one device
 * is shown by the fingerprint of their certificate alone.
 */
export function DirectoryList({ users, me, devices }: { users: UserEntry[]; me: string; devices?: ReadonlyMap<string, DeviceFingerprint[]> }) {
  const online = users.filter((u) => u.online).length;
  return (
    <div class="directory-body">
      <p class="directory-count" data-directory-count>
        <span class="dot-online" aria-hidden="true"></span>
        {`${online} online · ${users.length} registered`}
      </p>
      <ul class="people" aria-label="People">
        {users.map((u) => (
          <li class="person" id={`person-${u.login}`} data-login={u.login} data-search={`${u.firstName} ${u.lastName} ${u.login}`.toLowerCase()}>
            <Avatar login={u.login} firstName={u.firstName} lastName={u.lastName} online={u.online} />
            <div class="person-main">
              <p class="person-name">
                {`${u.firstName} ${u.lastName}`}
                {u.login === me ? <span class="tag">You</span> : null}
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
                    <span>Fingerprint of each device</span>
                  </span>
                  <DeviceFingerprints devices={devices!.get(u.login)!} />
                </>
              ) : (
                <>
                  <span class="fp-label">
                    <Icon name="fingerprint" />
                    <span>Certificate fingerprint</span>
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
                    Message<span class="visually-hidden">{` ${u.firstName} ${u.lastName}`}</span>
                  </span>
                </a>
              )}
            </div>
          </li>
        ))}
      </ul>
      <p class="empty-note" data-filter-empty hidden>
        Nobody matches your search.
      </p>
    </div>
  );
}

export function DirectoryPage({ viewer, users, devices }: { viewer: Viewer; users: UserEntry[]; devices?: ReadonlyMap<string, DeviceFingerprint[]> }) {
  return (
    <AppShell title="Directory" page="directory" viewer={viewer}>
      <div class="page-wrap">
        <header class="page-head">
          <div>
            <h1>Directory</h1>
            <p class="lead">Everyone registered on TEKUP_chat. Compare a fingerprint with its owner to be sure you talk to the right person.</p>
          </div>
          <SearchBox id="people-filter" label="Search people" placeholder="Search by name or login" filter="people" />
        </header>
        <section class="card" aria-label="People">
          <div id="directory" hx-get="/ui/directory" hx-trigger="presence from:body delay:600ms" hx-swap="innerMorph" data-filter-scope="people">
            <DirectoryList users={users} me={viewer.login} devices={devices} />
          </div>
        </section>
      </div>
    </AppShell>
  );
}
