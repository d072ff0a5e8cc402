/**
 * Cuts a text into parts of at most `limit` characters, preferring to cut between paragraphs, then
 * between lines, then between words; only a single word longer than the limit is cut inside. Nothing is
 * lost: joining the parts with the separators they were cut at gives the text back (whitespace at the
 * cuts is dropped, as a chat would not show it anyway).
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be positive');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    const part = rest.slice(0, cut).trimEnd();
    // Never emit an empty part (e.g. a text starting with `limit` spaces): fall back to a hard cut.
    parts.push(part === '' ? rest.slice(0, limit) : part);
    rest = part === '' ? rest.slice(limit) : rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** Where to cut `text` so the first part fits: the last good boundary within the limit. */
function cutPoint(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  // A boundary in the first quarter would leave a tiny part: only take it when nothing better exists.
  const floor = Math.floor(limit / 4);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at > floor) return at;
  }
  // Surrogate pairs (emoji) must not be split in half.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
