// New-message notifications from the system, for messages the person is not looking at (another
// page, another conversation, a hidden tab). They name the sender and never show the text: the
// system keeps and shows notifications outside the page — on a locked screen, in its history —
// and the message is meant to stay end to end encrypted up to the conversation. Off until the
// person turns them on with the bell; the browser's permission alone does not turn them on.
import { $ } from './dom.ts';

const KEY = 'tekup.notifications';
const supported = () => typeof Notification !== 'undefined';
const enabled = () => supported() && Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on';

function render(button: HTMLElement): void {
  const on = enabled();
  const label =
    Notification.permission === 'denied'
      ? 'Notifications are blocked in this browser’s settings'
      : on
        ? 'Notifications on: turn them off'
        : 'Notify me of new messages';
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
  const body = group ? `New message from @${from} in a group` : `New message from @${from}`;
  const n = new Notification('TEKUP_chat', { body, tag: `tekup-chat-${group ?? from}` });
  n.onclick = () => {
    window.focus();
    location.assign(group ? `/chat?group=${encodeURIComponent(group)}` : `/chat?with=${encodeURIComponent(from)}`);
    n.close();
  };
}
