// The foot of a modal dialog, shared by every page that has one: Cancel on the left (it closes the
// dialog, ui/certificate.ts and ui/groups.ts), the dialog's one action on the right with its busy
// spinner. The action's label comes translated from the caller.
import { useT } from '../i18n.ts';

export function DialogActions({ kind, value, label }: { kind: 'btn-primary' | 'btn-danger'; value: string; label: string }) {
  const t = useT();
  return (
    <div class="form-actions form-actions-split">
      <button type="button" class="btn btn-ghost" data-action="close-dialog">
        {t('common.cancel')}
      </button>
      <button type="submit" class={`btn ${kind}`} data-submit value={value}>
        <span class="spinner" aria-hidden="true"></span>
        <span data-submit-label>{label}</span>
      </button>
    </div>
  );
}
