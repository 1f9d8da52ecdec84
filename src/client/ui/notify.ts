// New-message notifications from the system, for messages the person is not looking at (another
// page, another conversation, a hidden tab). They name the sender and never show the text: the
// system keeps and shows notifications outside the page — on a locked screen, in its history —
// and the message is meant to stay end to end encrypted up to the conversation. Off until the
// person turns them on with the bell; the browser's permission alone does not turn them on.
import { $ } from './dom.ts';
import { t } from '../i18n.ts';

const KEY = 'tekup.notifications';
const supported = () => typeof Notification !== 'undefined';
const enabled = () => supported() && Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on';

function render(button: HTMLElement): void {
  const on = enabled();
  const label = t(Notification.permission === 'denied' ? 'msg.notify.blocked' : on ? 'msg.notify.on' : 'msg.notify.off');
  button.setAttribute('aria-pressed', String(on));
  button.title = label;
  const text = $('.visually-hidden', button);
  if (text) text.textContent = label;
}

export function initNotifications(): void {
  const button = $('[data-action="notifications"]');
  if (!button || !supported()) return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    if (enabled()) localStorage.setItem(KEY, 'off');
    else if ((Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()) === 'granted') localStorage.setItem(KEY, 'on');
    render(button);
  });
  render(button);
}

/**
 * A message from `from` arrived and is not on screen. One notification per conversation at a time;
 * in a group (`group`: its id) it says so, without the group's name, which the page may not know yet.
 */
export function notifyMessage(from: string, group?: string): void {
  if (!enabled()) return;
  const body = t(group ? 'msg.notify.group' : 'msg.notify.message', { from });
  const n = new Notification(t('msg.notify.title'), { body, tag: `tekup-chat-${group ?? from}` });
  n.onclick = () => {
    window.focus();
    location.assign(group ? `/chat?group=${encodeURIComponent(group)}` : `/chat?with=${encodeURIComponent(from)}`);
    n.close();
  };
}
