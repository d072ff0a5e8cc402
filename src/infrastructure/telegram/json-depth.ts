/**
 * The deepest nesting a webhook body may have. Telegram's deepest updates (a reply to a message with a
 * reply markup, an external reply quoting entities…) stay far below; the bound is there so a crafted body
 * cannot make the parser (or anything that walks the result recursively) work in proportion to its depth.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a JSON text nests objects and arrays deeper than `max`: one pass over the characters, no recursion
 * and no allocation, so it costs the same for a hostile body as for a normal one. Brackets inside strings
 * do not count (`\"` and `\\` escapes are followed); whether the text is valid JSON is left to the parser.
 */
export function nestedDeeperThan(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json.charCodeAt(i);
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
