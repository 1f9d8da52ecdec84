// A translated sentence with markup inside it ("This certificate expires on <time>…"). The
// catalogue keeps the whole sentence, with a {slot} where the markup goes, so that a translator
// sees it whole and may move the slot where their language puts it; this puts the markup there.
import type { Child } from 'hono/jsx';

/** `text` (already through t(), which leaves unknown {placeholders} as they are) with each {slot} replaced by its markup. */
export function Sentence({ text, slots }: { text: string; slots: Record<string, Child> }) {
  // split() with a capture group alternates text and slot names: even indices are text.
  const parts = text.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 0 ? part : (slots[part] ?? `{${part}}`)));
  return <>{parts.filter((p) => p !== '')}</>;
}
