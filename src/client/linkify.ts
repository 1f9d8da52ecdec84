// Web addresses in a message's text, as links. Only http: and https: URLs written out in full become
// links: no javascript:, data: or mailto:, and no bare domains ("example.org" stays text). The text
// is split into parts here (pure, testable without a DOM); the page builds the nodes from them with
// textContent and createElement, so whatever the text holds, HTML included, stays text.

export type TextPart = { text: string } | { text: string; href: string };

// A scheme at a word start, then anything up to white space or a character that cannot appear in
// a URL as people write it in a sentence (quotes and angle brackets end it).
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence or a parenthesis rather than the address before it. */
const TRAILING = '.,;:!?\'"’”)]}*_';
const OPENING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const count = (s: string, c: string) => s.split(c).length - 1;

/**
 * The address without the punctuation that follows it in the sentence. A closing bracket stays
 * when the address opened it: https://en.wikipedia.org/wiki/TLS_(protocol)
 */
function trimUrl(candidate: string): string {
  let url = candidate;
  while (url && TRAILING.includes(url[url.length - 1])) {
    const last = url[url.length - 1];
    const open = OPENING[last];
    if (open && count(url, open) >= count(url, last)) break;
    url = url.slice(0, -1);
  }
  return url;
}

/** Whether the address is one a link may point to: a well-formed http(s) URL with a host. */
function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

/** The text cut into plain parts and link parts, in order; joined, the parts' text is the text. */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    const href = safeHref(url);
    if (!href || !url) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: url, href });
    last = m.index + url.length;
  }
  if (last < text.length || !parts.length) parts.push({ text: text.slice(last) });
  return parts;
}
