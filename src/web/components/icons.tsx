// Line icons drawn inline (no icon font, no extra request, nothing the CSP would block). Each is a
// 24×24 stroke drawing coloured by `currentColor`; they are decoration, so hidden from screen
// readers: the text next to them says the same thing.
const PATHS = {
  logo: 'M12 2.5 4.5 5.5v6c0 4.6 3.1 8.6 7.5 10 4.4-1.4 7.5-5.4 7.5-10v-6L12 2.5Z M8.5 10.5h7 M8.5 13.5h4.5',
  shieldCheck: 'M12 2.5 4.5 5.5v6c0 4.6 3.1 8.6 7.5 10 4.4-1.4 7.5-5.4 7.5-10v-6L12 2.5Z M8.8 12.2l2.2 2.2 4.3-4.6',
  shieldAlert: 'M12 2.5 4.5 5.5v6c0 4.6 3.1 8.6 7.5 10 4.4-1.4 7.5-5.4 7.5-10v-6L12 2.5Z M12 8v4.5 M12 15.8v.2',
  lock: 'M6.5 10.5h11a1.5 1.5 0 0 1 1.5 1.5v7a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 5 19v-7a1.5 1.5 0 0 1 1.5-1.5Z M8 10.5V7.5a4 4 0 0 1 8 0v3',
  key: 'M14.5 3.5a6 6 0 1 1-4.6 9.9L3.5 19.8v1.7h3v-2h2v-2h2l1.9-1.9A6 6 0 0 1 14.5 3.5Z M16 8.5h.01',
  chat: 'M20.5 11.5a8 8 0 0 1-11.7 7.1L3.5 20.5l1.9-5.1A8 8 0 1 1 20.5 11.5Z',
  users: 'M16 19.5v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 18v1.5 M10 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Z M20 19.5V18a3.5 3.5 0 0 0-2.6-3.4 M15.5 4.1a3.5 3.5 0 0 1 0 6.8',
  certificate: 'M4.5 4.5h15a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-6 M4.5 4.5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1h2 M7.5 8.5h9 M7.5 11.5h4 M10 16a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z M8.5 15.5v5l1.5-1 1.5 1v-5',
  logout: 'M9.5 20.5h-4a1.5 1.5 0 0 1-1.5-1.5V5a1.5 1.5 0 0 1 1.5-1.5h4 M15.5 16.5 20 12l-4.5-4.5 M20 12H9.5',
  send: 'M20.5 3.5 10.5 13.5 M20.5 3.5l-6.5 17-3.5-7-7-3.5 17-6.5Z',
  download: 'M12 3.5v11.5 M7.5 10.5 12 15l4.5-4.5 M4.5 17.5v1.5a1.5 1.5 0 0 0 1.5 1.5h12a1.5 1.5 0 0 0 1.5-1.5v-1.5',
  paperclip: 'M20 11.5 12.2 19.3a5 5 0 0 1-7.1-7.1l8.1-8.1a3.3 3.3 0 0 1 4.7 4.7l-8.1 8.1a1.7 1.7 0 0 1-2.4-2.4l7.4-7.4',
  file: 'M13.5 3.5H7a1.5 1.5 0 0 0-1.5 1.5v14A1.5 1.5 0 0 0 7 20.5h10a1.5 1.5 0 0 0 1.5-1.5V8.5l-5-5Z M13.5 3.5v5h5',
  upload: 'M12 15V3.5 M7.5 8 12 3.5 16.5 8 M4.5 17.5v1.5a1.5 1.5 0 0 0 1.5 1.5h12a1.5 1.5 0 0 0 1.5-1.5v-1.5',
  refresh: 'M20 11.5A8 8 0 0 0 6.3 6.3L4 8.5 M4 4v4.5h4.5 M4 12.5a8 8 0 0 0 13.7 5.2L20 15.5 M20 20v-4.5h-4.5',
  alert: 'M10.3 4.2 2.8 17.5a2 2 0 0 0 1.7 3h15a2 2 0 0 0 1.7-3L13.7 4.2a2 2 0 0 0-3.4 0Z M12 9.5v4 M12 17h.01',
  check: 'M5 12.5 10 17.5 19.5 7',
  checkCircle: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z M8.3 12.3l2.5 2.5 4.9-5.2',
  info: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z M12 11v5.5 M12 7.8v.2',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z M12 7v5l3.5 2',
  eye: 'M2.5 12s3.5-6.5 9.5-6.5 9.5 6.5 9.5 6.5-3.5 6.5-9.5 6.5S2.5 12 2.5 12Z M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z',
  search: 'M11 18.5a7.5 7.5 0 1 0 0-15 7.5 7.5 0 0 0 0 15Z M20.5 20.5 16.3 16.3',
  back: 'M15 5.5 8.5 12l6.5 6.5',
  x: 'M6 6l12 12 M18 6 6 18',
  fingerprint: 'M6.5 18.5c1-1.9 1.5-4 1.5-6.5a4 4 0 0 1 8 0c0 1.2-.1 2.4-.3 3.5 M12 12c0 3.4-.8 6.3-2.4 8.5 M4.2 15.5c.5-1.1.8-2.3.8-3.5a7 7 0 0 1 12.3-4.6 M19 10.2c.3 1.4.3 3.3 0 5.3 M15.2 19.5c.4-.9.7-1.9.9-2.9',
  sparkle: 'M12 3.5l1.8 5 5 1.8-5 1.8-1.8 5-1.8-5-5-1.8 5-1.8 1.8-5Z M19 16.5l.7 1.8 1.8.7-1.8.7-.7 1.8-.7-1.8-1.8-.7 1.8-.7.7-1.8Z',
  server: 'M4.5 4.5h15v6h-15z M4.5 13.5h15v6h-15z M8 7.5h.01 M8 16.5h.01',
  bell: 'M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15l1.5-2Z M10 20.5a2 2 0 0 0 4 0',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, class: cls }: { name: IconName; class?: string }) {
  return (
    <svg class={cls ? `icon ${cls}` : 'icon'} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
