// A message's text as DOM nodes, its web addresses as links that open in a new tab without giving
// the page they open any hold on this one (rel="noopener noreferrer"). Built with textContent and
// createElement only: the text is never parsed as HTML.
import { linkParts } from '../linkify.ts';

export function linkify(text: string): Node[] {
  return linkParts(text).map((part) => {
    if (!('href' in part)) return document.createTextNode(part.text);
    const a = document.createElement('a');
    a.href = part.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.className = 'msg-link';
    a.textContent = part.text;
    return a;
  });
}
