// Group conversations (protocol §7) on the chat page: the dialogs to create a group, to see and
// manage its members, and to confirm what cannot be undone, and the line of the chat list the
// script clones per group. The server renders the empty shapes; ui/groups.ts fills them from the
// group API (the members' logins, roles and presence are not secret, the messages are).
import { Field } from './Field.tsx';
import { DialogActions } from './Dialog.tsx';
import { Icon } from './icons.tsx';
import { GROUP_NAME_MAX } from '../../protocol/groups.ts';
import { useT } from '../i18n.ts';

/** One group in the chat list: its name, member count, last message time and unread count. */
export function GroupItemTemplate() {
  return (
    <template id="tpl-group-item">
      <li data-search="">
        <a class="conv" href="/chat" data-group-link>
          <span class="avatar avatar-group" aria-hidden="true">
            <Icon name="users" />
          </span>
          <span class="conv-main">
            <span class="conv-name" data-group-item-name></span>
            <span class="conv-sub" data-group-item-sub></span>
          </span>
          <span class="conv-side">
            <span class="conv-when" data-last-at=""></span>
            <span class="count-badge" data-unread-for="" hidden></span>
          </span>
        </a>
      </li>
    </template>
  );
}

function NewGroupDialog() {
  const t = useT();
  return (
    <dialog class="dialog" id="new-group-dialog" aria-labelledby="new-group-title">
      <form class="form" method="dialog" data-form="new-group" novalidate>
        <h2 id="new-group-title">{t('chat.groups.new')}</h2>
        <p class="muted">{t('chat.group.new.text')}</p>
        <Field name="name" label={t('chat.group.name')} attrs={{ maxlength: String(GROUP_NAME_MAX), 'data-new-group-name': true }} />
        <fieldset class="field member-picker" data-field="members" aria-describedby="f-members-hint f-members-error">
          <legend class="field-label">{t('chat.group.members')}</legend>
          <p class="field-hint" id="f-members-hint">
            {t('chat.group.new.members.hint')}
          </p>
          <label class="visually-hidden" for="member-filter">
            {t('chat.group.new.find')}
          </label>
          <input id="member-filter" type="search" class="input" placeholder={t('chat.group.new.find')} autocomplete="off" data-member-filter />
          <ul class="member-choices" data-member-choices></ul>
          <p class="field-error" id="f-members-error" data-error-for="members"></p>
        </fieldset>
        <p class="form-error" data-form-error role="alert" hidden></p>
        <DialogActions kind="btn-primary" value="create" label={t('chat.group.new.create')} />
      </form>
    </dialog>
  );
}

function MembersDialog() {
  const t = useT();
  return (
    <dialog class="dialog members-dialog" id="group-members-dialog" aria-labelledby="group-members-title">
      <div class="form">
        <div class="dialog-head">
          <h2 id="group-members-title">{t('chat.group.members')}</h2>
          <button type="button" class="btn btn-ghost btn-icon" data-action="close-dialog">
            <Icon name="x" />
            <span class="visually-hidden">{t('chat.group.close')}</span>
          </button>
        </div>
        <p class="muted" data-members-count></p>
        <ul class="member-list" data-member-list aria-labelledby="group-members-title"></ul>
        <div class="members-admin" data-admin-only hidden>
          <form class="inline-form" data-form="group-add" novalidate>
            <div class="field" data-field="login">
              <label class="field-label" for="group-add-login">
                {t('chat.group.add.label')}
              </label>
              <div class="inline-row">
                <select id="group-add-login" name="login" class="input" aria-describedby="group-add-login-error"></select>
                <button type="submit" class="btn btn-secondary" data-submit>
                  <span class="spinner" aria-hidden="true"></span>
                  {t('chat.group.add')}
                </button>
              </div>
              <p class="field-error" id="group-add-login-error" data-error-for="login"></p>
            </div>
          </form>
          <form class="inline-form" data-form="group-rename" novalidate>
            <div class="field" data-field="name">
              <label class="field-label" for="group-rename-name">
                {t('chat.group.name')}
              </label>
              <div class="inline-row">
                <input id="group-rename-name" name="name" class="input" maxlength={GROUP_NAME_MAX} autocomplete="off" aria-describedby="group-rename-name-error" />
                <button type="submit" class="btn btn-secondary" data-submit>
                  <span class="spinner" aria-hidden="true"></span>
                  {t('chat.group.rename')}
                </button>
              </div>
              <p class="field-error" id="group-rename-name-error" data-error-for="name"></p>
            </div>
          </form>
        </div>
        <p class="form-error" data-members-error role="alert" hidden></p>
        <div class="form-actions">
          <button type="button" class="btn btn-danger" data-action="leave-group" aria-haspopup="dialog">
            {t('chat.group.leave')}
          </button>
        </div>
      </div>
    </dialog>
  );
}

/** Removing someone, leaving: said plainly before it is done. */
function ConfirmDialog() {
  const t = useT();
  return (
    <dialog class="dialog" id="group-confirm-dialog" aria-labelledby="group-confirm-title" aria-describedby="group-confirm-text">
      <form class="form" method="dialog" novalidate>
        <h2 id="group-confirm-title" data-confirm-title></h2>
        <p class="muted" id="group-confirm-text" data-confirm-text></p>
        <p class="form-error" data-form-error role="alert" hidden></p>
        <DialogActions kind="btn-danger" value="confirm" label={t('chat.group.confirm')} />
      </form>
    </dialog>
  );
}

/** A member's line in the members dialog; the buttons are an admin's, named for the member by the script. */
function MemberRowTemplate() {
  const t = useT();
  return (
    <template id="tpl-member-row">
      <li class="member-row" data-member="">
        <span class="presence-dot" data-member-dot></span>
        <span class="member-main">
          <span class="member-name" data-member-name></span>
          <span class="member-sub" data-member-sub></span>
        </span>
        <span class="member-actions" data-member-actions hidden>
          <button type="button" class="btn btn-ghost btn-sm" data-action="make-admin">
            {t('chat.group.member.admin')}
          </button>
          <button type="button" class="btn btn-ghost btn-sm danger-text" data-action="remove-member" aria-haspopup="dialog">
            {t('chat.group.member.remove')}
          </button>
        </span>
      </li>
    </template>
  );
}

/** A person to pick in the new group dialog. */
function MemberChoiceTemplate() {
  return (
    <template id="tpl-member-choice">
      <li data-search="">
        <label class="check">
          <input type="checkbox" name="members" value="" />
          <span data-choice-name></span>
        </label>
      </li>
    </template>
  );
}

export function GroupDialogs() {
  return (
    <>
      <NewGroupDialog />
      <MembersDialog />
      <ConfirmDialog />
      <MemberRowTemplate />
      <MemberChoiceTemplate />
    </>
  );
}
