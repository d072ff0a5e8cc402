import { Sealed } from './sealed';

/**
 * Something a master or customer typed that the product must keep (a /qr link parameter, a deep-link
 * start parameter, the name of an unknown command), as an event holds it: sealed like message content.
 * Events written before these were sealed held the text in clear; the upcaster lifts those into
 * `{ legacyPlaintext }` (the stored event cannot be rewritten without breaking its hash chain), so
 * readers handle both and auditors see neither.
 */
export type TypedText = Sealed | { legacyPlaintext: string };

/** The text inside, or null when its key was erased. */
export function openTypedText(text: TypedText, open: (sealed: Sealed) => { text: string } | null): string | null {
  return 'legacyPlaintext' in text ? text.legacyPlaintext : (open(text)?.text ?? null);
}
