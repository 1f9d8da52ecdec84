// What the registration and recovery pages show while a key is made and once a certificate is
// issued; the browser script fills them in (src/client/ui/issued.ts).
/** The steps a key-making form goes through, shown while it works (client/ui/issued.ts progressSteps). */
export function ProgressSteps({ steps }: { steps: [name: string, label: string][] }) {
  return (
    <>
      <ol class="progress-steps" data-progress hidden aria-label="Progress">
        {steps.map(([name, label]) => (
          <li data-progress-step={name}>{label}</li>
        ))}
      </ol>
      <p class="visually-hidden" data-progress-live role="status" aria-live="polite"></p>
    </>
  );
}

/** The new certificate's facts, filled in by the browser script (client/ui/issued.ts showIssuedFacts). */
export function IssuedFacts() {
  return (
    <dl class="facts">
      <div>
        <dt>Login</dt>
        <dd data-done-login></dd>
      </div>
      <div>
        <dt>Certificate serial</dt>
        <dd class="mono" data-done-serial></dd>
      </div>
      <div>
        <dt>Fingerprint (SHA-256)</dt>
        <dd class="mono fingerprint" data-done-fingerprint></dd>
      </div>
      <div>
        <dt>Valid until</dt>
        <dd data-done-expiry></dd>
      </div>
    </dl>
  );
}
