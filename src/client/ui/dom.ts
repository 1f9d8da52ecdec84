// Tiny DOM helpers for the pages: query, clone a server-rendered <template>, busy buttons, and a
// file download of what the browser made or checked.
import { t } from '../i18n.ts';

export function $<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T | null {
  return root.querySelector<T>(selector as never) as T | null;
}

export function $$<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T[] {
  return Array.from(root.querySelectorAll(selector)) as T[];
}

export function must<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T {
  const el = $<T>(selector, root);
  if (!el) throw new Error(`missing ${selector}`);
  return el;
}

/** The first element of `<template id=…>`, cloned. */
export function fromTemplate<T extends Element = HTMLElement>(id: string): T {
  const tpl = document.getElementById(id) as HTMLTemplateElement | null;
  const el = tpl?.content.firstElementChild?.cloneNode(true);
  if (!el) throw new Error(`missing template ${id}`);
  return el as T;
}

export function setBusy(button: HTMLButtonElement | null, busy: boolean): void {
  if (!button) return;
  button.disabled = busy;
  button.classList.toggle('is-busy', busy);
  button.setAttribute('aria-busy', String(busy));
}

export function downloadText(filename: string, text: string, type = 'application/x-pem-file'): void {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Saves bytes made or checked in the browser as a file, through an <a download>. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function readFile(input: HTMLInputElement): Promise<string | undefined> {
  const file = input.files?.[0];
  if (!file) return Promise.resolve(undefined);
  if (file.size > 64 * 1024) return Promise.reject(new Error(t('acct.file.too-large')));
  return file.text();
}
