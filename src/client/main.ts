// The one browser script (bundled by esbuild into /assets/app.js). Each page says which it is on
// <body data-page>; the crypto modules next to this file do the work, the ui/ modules the pages.
import { initRegister } from './ui/register.ts';
import { initLogin } from './ui/login.ts';
import { initLink } from './ui/link.ts';
import { initDeviceRequests } from './ui/device-requests.ts';
import { initDevices } from './ui/devices.ts';
import { initShell } from './ui/shell.ts';
import { initChat } from './ui/chat.ts';
import { initGroups } from './ui/groups.ts';
import { initCertificate } from './ui/certificate.ts';
import { initRecover } from './ui/recover.ts';
import { initAuthority } from './ui/authority.ts';
import { initPopups } from './ui/popups.ts';
import { initTimes } from './ui/times.ts';

const PAGES: Record<string, () => void | Promise<void>> = {
  register: initRegister,
  login: initLogin,
  link: initLink,
  chat: async () => {
    await initChat();
    await initGroups();
  },
  directory: () => {},
  certificate: () => {
    initCertificate();
    initDevices();
  },
  recover: initRecover,
  authority: initAuthority,
};

function start(): void {
  const page = document.body.dataset.page ?? '';
  initPopups();
  initTimes();
  if (document.body.dataset.me) {
    initShell();
    initDeviceRequests();
  }
  void Promise.resolve(PAGES[page]?.()).catch((err: unknown) => console.error('TEKUP_chat page script failed', err));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
