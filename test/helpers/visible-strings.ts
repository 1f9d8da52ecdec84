// Finds the strings in a page, component or browser UI module that a person would read but that do
// not come from a catalogue (issue 24). It parses the source (SWC) rather than grepping it, so it
// can tell JSX text, the attributes people read (aria-label, title, placeholder, alt) and text
// written into the DOM from selectors, class lists, event names, keys and catalogue keys.
import { parseSync } from '@swc/core';

export interface Finding {
  text: string;
  line: number;
}

/** Attributes a person reads or hears. */
const READ_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt', 'label']);
/** Calls whose string arguments are never shown: selectors, classes, events, keys, logs. */
const TECHNICAL_CALLS = new Set([
  't', 'useT', '$', '$$', 'must', 'querySelector', 'querySelectorAll', 'closest', 'matches', 'fromTemplate', 'getElementById',
  'addEventListener', 'removeEventListener', 'dispatchEvent', 'getAttribute', 'hasAttribute', 'removeAttribute', 'toggleAttribute',
  'add', 'remove', 'toggle', 'contains', 'replace', 'startsWith', 'endsWith', 'includes', 'split', 'join', 'get', 'has', 'set', 'delete',
  'fetch', 'api', 'postJson', 'getJson', 'send', 'log', 'warn', 'error', 'debug', 'info', 'require', 'import', 'createElement', 'Icon',
  'CustomEvent', 'Event', 'RegExp', 'assetUrl', 'pushState', 'replaceState', 'open', 'setItem', 'getItem', 'removeItem', 'encode', 'decode',
  'digest', 'importKey', 'exportKey', 'generateKey', 'sign', 'verify', 'encrypt', 'decrypt', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey',
  'objectStore', 'transaction', 'index', 'createObjectStore', 'getAll', 'put', 'Blob', 'File', 'URL', 'Date', 'Error', 'TypeError', 'CodedError',
]);
/** Object members and attributes whose values are never read as prose. */
const TECHNICAL_KEYS = new Set(['class', 'className', 'id', 'type', 'name', 'autocomplete', 'rel', 'role', 'inputmode', 'accept', 'pattern', 'method', 'action', 'href', 'src', 'for', 'target']);
/** Single words that are names, not prose. */
const NAMES = new Set(['noopener noreferrer', 'TEKUP', 'TEKUP_chat', '_chat', 'Enter', 'Escape', 'Tab', 'Space', 'Backspace', 'Delete', 'Home', 'End', 'Bearer', 'Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', 'Linux', 'Windows', 'Android', 'English', 'Français']);

const hasLetter = (s: string) => /\p{L}/u.test(s);

/** Whether a string literal outside JSX reads as prose: a sentence, a capitalised label, several plain words. */
export function looksLikeProse(raw: string): boolean {
  const s = raw.trim();
  if (!/\p{Ll}/u.test(s) || NAMES.has(s)) return false; // no lowercase: a name, a label of a format ("PRIVATE KEY")
  if (/^[.#[/@(]|^\w+:\/\/|[<>{}=]|::/.test(s)) return false; // selectors, paths, URLs, media queries, markup, templates
  const words = s.split(/\s+/);
  if (words.length === 1) {
    if (NAMES.has(s.replace(/[.!?…:]$/, ''))) return false;
    return /^\p{Lu}\p{Ll}+(?:['’]\p{Ll}+)?[.!?…:]?$/u.test(s); // "Verified", "Sending…"; not camelCase, CONSTANTS or keys
  }
  // Several lowercase tokens with a hyphen among them are a class list ("btn btn-ghost").
  if (words.every((w) => /^[a-z0-9]+(?:[-_][a-z0-9]*)*$/.test(w)) && words.some((w) => /[-_]/.test(w))) return false;
  return words.filter((w) => /\p{L}{2,}/u.test(w)).length >= 2;
}

type Node = { type?: string; span?: { start: number }; [k: string]: unknown };

function calleeName(callee: Node | undefined): string | undefined {
  if (!callee) return undefined;
  if (callee.type === 'Identifier') return callee.value as string;
  if (callee.type === 'MemberExpression') return calleeName(callee.property as Node);
  if (callee.type === 'OptionalChainingExpression') return calleeName(callee.base as Node);
  return undefined;
}

/** The prose in one source file that is not taken from a catalogue. */
export function visibleStrings(source: string, tsx: boolean): Finding[] {
  const module = parseSync(source, { syntax: 'typescript', tsx }) as unknown as Node;
  const base = (module.span as { start: number }).start;
  const found: Finding[] = [];
  const lineAt = (offset: number) => source.slice(0, Math.max(0, offset - base)).split('\n').length;
  const report = (text: string, node: Node) => found.push({ text: text.trim(), line: lineAt(node.span?.start ?? base) });
  const strings = (node: Node | undefined, each: (text: string, at: Node) => void) => {
    if (!node) return;
    if (node.type === 'StringLiteral') each(node.value as string, node);
    else if (node.type === 'TemplateLiteral') for (const q of node.quasis as Node[]) each(((q.cooked ?? q.raw) as string) ?? '', node);
    else if (node.type === 'ConditionalExpression') {
      strings(node.consequent as Node, each);
      strings(node.alternate as Node, each);
    } else if (node.type === 'BinaryExpression' && (node.operator === '+' || node.operator === '??' || node.operator === '||')) {
      strings(node.left as Node, each);
      strings(node.right as Node, each);
    } else if (node.type === 'ParenthesisExpression') strings(node.expression as Node, each);
  };

  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    switch (n.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
        if (n.type !== 'ExportNamedDeclaration') return;
        break;
      case 'TsTypeAnnotation':
      case 'TsTypeAliasDeclaration':
      case 'TsInterfaceDeclaration':
      case 'TsAsExpression':
      case 'TsSatisfiesExpression':
        if (n.type === 'TsAsExpression' || n.type === 'TsSatisfiesExpression') walk(n.expression);
        return;
      case 'JSXText': {
        // Words, not only names and algorithm labels ("SHA-256", "X.509 · RSA-PSS").
        const text = (n.value as string).trim();
        if (/\p{Ll}/u.test(text) && !NAMES.has(text) && !/^[\p{Lu}\d.\-·\s]*$/u.test(text)) report(text, n);
        return;
      }
      case 'JSXAttribute': {
        const name = (n.name as Node).value as string;
        const value = n.value as Node | undefined;
        if (READ_ATTRIBUTES.has(name)) {
          const inner = value?.type === 'JSXExpressionContainer' ? (value.expression as Node) : value;
          strings(inner, (text, at) => /\p{Ll}/u.test(text) && !NAMES.has(text.trim()) && report(text, at));
          // What is inside, other than plain strings (a t() call, a variable), is looked at as usual.
          if (value?.type === 'JSXExpressionContainer') walk(value.expression);
          return;
        }
        if (value?.type === 'JSXExpressionContainer') walk(value.expression);
        return;
      }
      case 'JSXExpressionContainer':
        strings(n.expression as Node, (text, at) => hasLetter(text) && looksLikeProse(text) && report(text, at));
        walk(n.expression);
        return;
      case 'CallExpression':
      case 'NewExpression': {
        const name = calleeName(n.callee as Node);
        walk(n.callee);
        const args = (n.arguments as Array<{ expression: Node }> | undefined) ?? [];
        if (name && TECHNICAL_CALLS.has(name)) {
          // Only nested calls and functions are looked into: the literal arguments are technical.
          for (const a of args) if (a.expression.type !== 'StringLiteral' && a.expression.type !== 'TemplateLiteral') walk(a.expression);
          return;
        }
        if (name === 'setAttribute' && args.length === 2) {
          const attr = args[0].expression.type === 'StringLiteral' ? (args[0].expression.value as string) : '';
          if (READ_ATTRIBUTES.has(attr)) strings(args[1].expression, (text, at) => hasLetter(text) && report(text, at));
          walk(args[1].expression);
          return;
        }
        walk(args);
        return;
      }
      case 'KeyValueProperty': {
        const key = n.key as Node;
        const name = (key.value as string | undefined) ?? '';
        if (TECHNICAL_KEYS.has(name) && ((n.value as Node).type === 'StringLiteral' || (n.value as Node).type === 'TemplateLiteral')) return;
        walk(n.value);
        return;
      }
      case 'BinaryExpression':
        if (['===', '!==', '==', '!=', 'in', 'instanceof'].includes(n.operator as string)) return;
        break;
      case 'SwitchCase':
        walk(n.consequent);
        return;
      case 'StringLiteral':
        if (looksLikeProse(n.value as string)) report(n.value as string, n);
        return;
      case 'TemplateLiteral':
        for (const q of n.quasis as Node[]) {
          const text = ((q.cooked ?? q.raw) as string) ?? '';
          if (looksLikeProse(text)) report(text, n);
        }
        walk(n.expressions);
        return;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'span' && v && typeof v === 'object') walk(v);
  };
  walk(module);
  // A string both in a read attribute and prose on its own is one finding.
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(`${f.line}\0${f.text}`) && seen.add(`${f.line}\0${f.text}`));
}
