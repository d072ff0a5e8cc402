/**
 * What an auditor may see of an event's data. Applied to every audit entry whatever the output (JSON,
 * NDJSON, table, web page), so no path through the audit tools can show a token or a sealed box.
 */

export const TOKEN_REDACTED = '[token redacted]';
export const SEALED = '[sealed]';
export const FILE_REDACTED = '[file id redacted]';

/**
 * Telegram file ids (`fileId`, `fileUniqueId`, `file_id`): with the bot's token they fetch the customer's
 * photo or document again, even after the conversation's keys were erased. An auditor needs that a file
 * was relayed, not the handle to download it.
 */
const FILE_KEY = /^file_?(unique_?)?id$/i;

/** Telegram bot tokens anywhere in a string (deliberately looser than BotToken.PATTERN: better one false positive). */
const TOKEN_IN_TEXT = /\d{6,}:[A-Za-z0-9_-]{30,}/g;

/** Keys whose string values are credentials, whatever they hold (`encryptedToken`, a future `webhookSecret`, …). */
const SECRET_KEY = /token|secret|password|passphrase|apikey|api_key|credential/i;

/** Deeper than any event we write; stops a hostile or corrupt payload from recursing without bound. */
const MAX_DEPTH = 20;

export function scrubText(text: string): string {
  return text.replace(TOKEN_IN_TEXT, TOKEN_REDACTED);
}

/**
 * A Sealed value (`{ keyId, box }`), or anything carrying a ciphertext `box`: its bytes tell an auditor
 * nothing. Typed text an old event held in clear, lifted to `{ legacyPlaintext }`, is shown as sealed too.
 */
function isSealed(value: object): boolean {
  const record = value as Record<string, unknown>;
  return typeof record.box === 'string' || typeof record.legacyPlaintext === 'string';
}

function redactValue(value: unknown, key: string | null, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  // Strings, objects and lists under a credential-like key are redacted whole.
  if (key !== null && SECRET_KEY.test(key)) return TOKEN_REDACTED;
  if (key !== null && FILE_KEY.test(key) && typeof value === 'string') return FILE_REDACTED;
  if (typeof value === 'string') return scrubText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return `[${typeof value}]`; // a symbol or function never comes out of JSON
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, null, depth + 1));
  if (isSealed(value)) return SEALED;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[scrubText(k)] = redactValue(v, k, depth + 1);
  return out;
}

/** A redacted deep copy of an event's data. Numbers under token-like keys (`tokenMessageId`) are kept: they are ids. */
export function redactData(data: unknown): Record<string, unknown> {
  const redacted = redactValue(data ?? {}, null, 0);
  return redacted !== null && typeof redacted === 'object' && !Array.isArray(redacted)
    ? (redacted as Record<string, unknown>)
    : { value: redacted };
}
