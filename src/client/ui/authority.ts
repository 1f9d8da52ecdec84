// The authority page: htmx swaps the check card with the server's answer; focus follows it, to the
// field when there is something to fix there, else to the verdict, so a screen reader reads it
// and a keyboard user goes on from it.
export function initAuthority(): void {
  document.body.addEventListener('htmx:after:swap', () => {
    const invalid = document.querySelector<HTMLElement>('#f-certificate[aria-invalid="true"]');
    const verdict = document.querySelector<HTMLElement>('[data-check-result]');
    (invalid ?? verdict)?.focus();
  });
}
