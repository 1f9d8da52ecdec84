// Files in the chat (protocol §8). The composer's tray encrypts each chosen file as soon as it is
// picked and uploads the ciphertext with a progress bar, so that by the time Send is pressed most
// of the waiting is over; Send then waits for what is left and hands the signed plaintext the
// descriptions. Shown messages fetch each file's ciphertext, decrypt it and check its size and
// SHA-256 before anything is drawn or saved: the server could hand over other bytes under an id.
// Files come from the Attach button, or dropped on or pasted into the composer.
import type { AttachmentV2 } from '../../protocol/envelope.ts';
import { FILES_MAX } from '../../protocol/envelope.ts';
import { decryptAttachment, encryptAttachment, sha256Hex } from '../attachments.ts';
import { downloadBlob, fromTemplate, must } from './dom.ts';
import { num, t } from '../i18n.ts';

/**
 * "812 bytes", "14.2 KB", "3.1 MB" ("14,2 ko" in French): decimal units, as file managers mostly
 * show them. The units come from the catalogue, not Intl's 'kilobyte', whose English is "kB".
 */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return t('msg.size.bytes', { count: bytes });
  const units = ['msg.size.kb', 'msg.size.mb', 'msg.size.gb'] as const;
  let n = bytes / 1000;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  const digits = n < 10 ? 1 : 0;
  // Ungrouped, as it was always written: four digits only at a unit's edge ("1000 KB").
  return t(units[i], { size: num(digits ? n : Math.round(n), { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }) });
}

/** A refusal worded for the person, with the file it is about. */
class UploadError extends Error {}
/** Cancelled by the person: nothing to say. */
class Cancelled extends Error {}

/**
 * One ciphertext to POST /api/v1/attachments. XMLHttpRequest rather than fetch: it is the one
 * that reports how much of the body has gone, which a progress bar needs.
 */
function post(name: string, body: Uint8Array<ArrayBuffer>, progress: (sent: number) => void, signal: AbortSignal): Promise<{ id: string; size: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/attachments');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => progress(e.loaded));
    xhr.addEventListener('load', () => {
      let data: { id?: unknown; size?: unknown; message?: unknown } = {};
      try {
        data = JSON.parse(xhr.responseText) as typeof data;
      } catch {
        // Said below from the status alone.
      }
      if ((xhr.status === 200 || xhr.status === 201) && typeof data.id === 'string') return resolve({ id: data.id, size: Number(data.size) });
      const why = typeof data.message === 'string' ? data.message : t('msg.upload.status', { status: String(xhr.status) });
      reject(new UploadError(t('msg.upload.refused', { name, reason: why })));
    });
    xhr.addEventListener('error', () => reject(new UploadError(t('msg.upload.offline', { name }))));
    xhr.addEventListener('abort', () => reject(new Cancelled()));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

interface Pending {
  file: File;
  row: HTMLLIElement;
  controller: AbortController;
  done: Promise<AttachmentV2>;
}

/**
 * The files waiting to go with the next message, under the composer: each with its progress and a
 * Cancel button; refusals are said in the composer's alert line.
 */
export class AttachmentTray {
  private readonly list: HTMLUListElement;
  private readonly error: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly compose: HTMLTextAreaElement;
  private pending: Pending[] = [];

  constructor(section: HTMLElement) {
    this.compose = must<HTMLTextAreaElement>('[data-compose]', section);
    this.list = must<HTMLUListElement>('[data-composer-files]', section);
    this.error = must('[data-composer-error]', section);
    this.input = must<HTMLInputElement>('[data-attach-input]', section);
    const button = must<HTMLButtonElement>('[data-action="attach"]', section);
    button.addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      this.add([...(this.input.files ?? [])]);
      // The same file picked again is a new attachment, and must fire `change` again.
      this.input.value = '';
    });
    // Files dropped on the composer, or pasted into it (a screenshot from the clipboard), are attached too.
    const form = must<HTMLFormElement>('[data-composer]', section);
    const carriesFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes('Files'));
    form.addEventListener('dragover', (e) => {
      if (!carriesFiles(e) || this.compose.disabled) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
      form.classList.add('is-dropping');
    });
    form.addEventListener('dragleave', (e) => {
      if (!form.contains(e.relatedTarget as Node | null)) form.classList.remove('is-dropping');
    });
    form.addEventListener('drop', (e) => {
      form.classList.remove('is-dropping');
      if (!carriesFiles(e)) return;
      e.preventDefault();
      this.add([...(e.dataTransfer?.files ?? [])]);
    });
    this.compose.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (!files.length) return;
      // Text pasted along with a file (a file manager gives its name) is not typed in.
      e.preventDefault();
      this.add(files);
    });
    this.list.addEventListener('click', (e) => {
      const cancel = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-action="cancel-upload"]');
      const p = cancel && this.pending.find((x) => x.row.contains(cancel));
      if (p) {
        p.controller.abort();
        this.drop(p);
        button.focus();
      }
    });
  }

  get size(): number {
    return this.pending.length;
  }

  /** Starts encrypting and uploading each file; those past the limit of a message are refused. */
  add(files: File[]): void {
    if (!files.length || this.compose.disabled) return;
    this.say('');
    const room = FILES_MAX - this.pending.length;
    if (files.length > room) this.say(t('msg.upload.toomany', { max: FILES_MAX, count: files.length - Math.max(room, 0) }));
    for (const file of files.slice(0, Math.max(room, 0))) this.start(file);
  }

  /**
   * Waits for every upload of the tray and empties it: the descriptions to sign, in the order the
   * files were picked. Throws when one was refused (said already), so nothing goes without it.
   */
  async take(): Promise<AttachmentV2[]> {
    const taken = [...this.pending];
    const results = await Promise.allSettled(taken.map((p) => p.done));
    if (results.some((r) => r.status === 'rejected' && !(r.reason instanceof Cancelled))) throw new UploadError(t('msg.upload.refusedone'));
    for (const p of taken) this.drop(p);
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  private start(file: File): void {
    const row = fromTemplate<HTMLLIElement>('tpl-upload');
    must('[data-file-name]', row).textContent = file.name;
    must('[data-file-size]', row).textContent = sizeText(file.size);
    const bar = must<HTMLProgressElement>('progress', row);
    bar.setAttribute('aria-label', t('msg.upload.progress', { name: file.name }));
    must('[data-action="cancel-upload"]', row).setAttribute('aria-label', t('msg.upload.cancel', { name: file.name }));
    this.list.append(row);
    this.list.hidden = false;
    const controller = new AbortController();
    const p: Pending = { file, row, controller, done: this.upload(file, bar, controller.signal) };
    this.pending.push(p);
    p.done.then(
      () => row.classList.add('is-done'),
      (err: unknown) => {
        if (err instanceof Cancelled) return;
        this.drop(p);
        this.say(err instanceof UploadError ? err.message : t('msg.upload.refused', { name: file.name, reason: err instanceof Error ? err.message : String(err) }));
      },
    );
  }

  private async upload(file: File, bar: HTMLProgressElement, signal: AbortSignal): Promise<AttachmentV2> {
    const { ciphertext, description } = await encryptAttachment(file);
    if (signal.aborted) throw new Cancelled();
    bar.max = ciphertext.byteLength;
    const { id } = await post(file.name, ciphertext, (sent) => (bar.value = sent), signal);
    // The id is the SHA-256 of what was sent: a server answering another would have us sign a lie.
    if (id !== (await sha256Hex(ciphertext))) throw new UploadError(t('msg.upload.misnamed', { name: file.name }));
    bar.value = bar.max;
    return { id, ...description };
  }

  private drop(p: Pending): void {
    this.pending = this.pending.filter((x) => x !== p);
    p.row.remove();
    this.list.hidden = this.pending.length === 0;
  }

  private say(text: string): void {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}

// ---------- files in shown messages ----------

/** Each file's checked bytes, fetched once however often its message is drawn. */
const opened = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

function openFile(a: AttachmentV2): Promise<Uint8Array<ArrayBuffer>> {
  // Keyed by the whole description: the same ciphertext under another key is another check.
  const key = `${a.id} ${a.key} ${a.iv} ${a.sha256} ${a.size}`;
  let hit = opened.get(key);
  if (!hit) {
    hit = (async () => {
      const res = await fetch(`/api/v1/attachments/${a.id}`, { credentials: 'same-origin' }).catch(() => {
        throw new Error(t('msg.file.offline'));
      });
      if (!res.ok) throw new Error(res.status === 404 ? t('msg.file.gone') : t('msg.file.status', { status: String(res.status) }));
      return decryptAttachment(new Uint8Array(await res.arrayBuffer()), a);
    })();
    hit.catch(() => opened.delete(key));
    opened.set(key, hit);
  }
  return hit;
}

/** Images small enough to fetch as soon as their message is shown; larger ones are downloaded only on request. */
const PREVIEW_MAX = 10 * 1000 * 1000;
const previewable = (a: Pick<AttachmentV2, 'type' | 'size'>) => /^image\//.test(a.type) && a.size <= PREVIEW_MAX;

/**
 * The files of a message as cards under its text: name, type, size and Download; an image also
 * previewed from its decrypted bytes. `offer` false: one's own message not accepted yet, whose
 * files the server gives nobody until it is (§8).
 */
export function fileCards(files: readonly AttachmentV2[], offer = true): HTMLUListElement {
  const list = document.createElement('ul');
  list.className = 'msg-files';
  list.setAttribute('aria-label', t('msg.files.label', { count: files.length }));
  for (const a of files) {
    const card = fromTemplate<HTMLLIElement>('tpl-attachment');
    must('[data-file-name]', card).textContent = a.name;
    must('[data-file-meta]', card).textContent = t('msg.file.meta', { type: a.type || t('msg.file.unknowntype'), size: sizeText(a.size) });
    const button = must<HTMLButtonElement>('[data-action="download-file"]', card);
    const problem = must('[data-file-problem]', card);
    if (!offer) {
      button.remove();
    } else {
      button.setAttribute('aria-label', t('msg.file.download', { name: a.name }));
      const fail = (err: unknown) => {
        problem.textContent = t('msg.file.problem', { reason: err instanceof Error ? err.message : String(err) });
        problem.hidden = false;
        card.classList.add('is-failed');
      };
      button.addEventListener('click', () => {
        button.disabled = true;
        openFile(a)
          .then((bytes) => downloadBlob(a.name, new Blob([bytes], { type: a.type || 'application/octet-stream' })))
          .catch(fail)
          .finally(() => (button.disabled = false));
      });
      if (previewable(a)) {
        openFile(a).then((bytes) => {
          const img = document.createElement('img');
          img.className = 'msg-file-preview';
          img.alt = a.name;
          // Decoded once shown: the URL (and the bytes it holds) can go, or each preview would stay for the page's life.
          img.addEventListener('load', () => URL.revokeObjectURL(img.src), { once: true });
          img.addEventListener('error', () => URL.revokeObjectURL(img.src), { once: true });
          img.src = URL.createObjectURL(new Blob([bytes], { type: a.type }));
          // Its own row at the top of the card at every width, at its own size (never stretched).
          const frame = document.createElement('div');
          frame.className = 'msg-file-frame';
          frame.append(img);
          card.classList.add('has-preview');
          card.prepend(frame);
        }, fail);
      }
    }
    list.append(card);
  }
  return list;
}
