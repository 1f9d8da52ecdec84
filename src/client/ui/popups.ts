// Popups and dialogs close on Escape and give focus back to what opened them, on every page, also
// in content htmx swaps in later (so the listeners sit on the document):
// - a <details> used as a popup (the certificate popup of a conversation: `details.cert-pop`)
//   closes on Escape, focus returns to its <summary>; a click outside it closes it too;
// - a modal <dialog> closes on Escape by itself (the browser's `cancel`); when it closes, however
//   it closed, focus goes back to the button that opened it if it is not somewhere else already.
// In-page disclosures (the history <details>, "Use a key backup file instead") are not popups: they
// push the page down rather than float above it, and stay as they are.
const POPUP = 'details.cert-pop';

function openPopups(): HTMLDetailsElement[] {
  return [...document.querySelectorAll<HTMLDetailsElement>(`${POPUP}[open]`)];
}

function closePopup(popup: HTMLDetailsElement, refocus: boolean): void {
  popup.open = false;
  if (refocus) popup.querySelector<HTMLElement>(':scope > summary')?.focus();
}

export function initPopups(): void {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const open = openPopups();
    if (!open.length || document.querySelector('dialog[open]')) return; // a dialog's Escape is its own
    const active = document.activeElement;
    for (const popup of open) closePopup(popup, !active || active === document.body || popup.contains(active));
    e.preventDefault();
  });

  document.addEventListener('pointerdown', (e) => {
    const target = e.target instanceof Node ? e.target : null;
    for (const popup of openPopups()) if (!target || !popup.contains(target)) closePopup(popup, false);
  });

  // A modal dialog keeps focus inside it while open, so the last control focused outside any
  // dialog is the one that opened it. `close` does not bubble: it is caught on the way down.
  let lastFocused: HTMLElement | null = null;
  document.addEventListener('focusin', (e) => {
    const t = e.target;
    if (t instanceof HTMLElement && !t.closest('dialog')) lastFocused = t;
  });
  document.addEventListener(
    'close',
    (e) => {
      const dialog = e.target;
      if (!(dialog instanceof HTMLDialogElement)) return;
      const active = document.activeElement;
      // Focus the page's script moved on purpose (to what a renewal says, say) stays where it is.
      if (lastFocused?.isConnected && (!active || active === document.body || dialog.contains(active))) lastFocused.focus();
    },
    true,
  );
}
