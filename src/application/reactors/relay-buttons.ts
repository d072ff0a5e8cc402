import { InlineButton } from '../ports/telegram.port';
import { MalformedButtonError } from '../shared/button-route';

/**
 * Which customer message a relayed copy is: carried in the copy itself (its buttons' callback data), so
 * the master can answer or ban from any copy — even one whose Telegram message id the app never learnt
 * (the connection broke after Telegram sent it, or the process died before recording it). Ids only:
 * never customer content.
 */
export interface RelayedFrom {
  botId: number;
  customerId: number;
  /** The customer's message in the client bot chat. */
  customerMessageId: number;
}

export type RelayButtonAction = 'reply' | 'ban';

/** A relay button's callback data was tampered with or truncated (not one we could have sent). */
export class MalformedRelayButtonError extends MalformedButtonError {
  constructor(data: string) {
    super(`not a relay button we sent: ${JSON.stringify(data.slice(0, 64))}`);
    this.name = 'MalformedRelayButtonError';
  }
}

/**
 * `reply:<bot id>:<customer id>:<customer message id>` (and `ban:…`), decimal. Telegram allows 1–64
 * bytes of callback data; ids are positive safe integers (at most 16 digits), so the longest is
 * 6 + 16 + 1 + 16 + 1 + 16 = 56 bytes.
 */
const RELAY_DATA = /^(reply|ban):(\d{1,16}):(\d{1,16}):(\d{1,16})$/;
/** The first release's buttons carried no identity: the copy's message id is all they give. */
const LEGACY: readonly string[] = ['reply', 'ban'];
const RELAY_PREFIX = /^(reply|ban):/;

export const relayButtonData = (action: RelayButtonAction, from: RelayedFrom): string =>
  `${action}:${from.botId}:${from.customerId}:${from.customerMessageId}`;

/** Under every relayed message (albums excepted: a media group cannot carry buttons). */
export function relayButtons(from: RelayedFrom): InlineButton[][] {
  return [
    [
      { text: '✍ Reply', callbackData: relayButtonData('reply', from) },
      { text: '🚫 Ban', callbackData: relayButtonData('ban', from) },
    ],
  ];
}

/**
 * What a pressed button means: `null` for data that is not a relay button at all (a picker, an unban),
 * `relayedFrom: null` for the legacy plain buttons.
 * @throws MalformedRelayButtonError for relay-looking data that does not decode (nothing may be recorded from it).
 */
export function readRelayButton(data: string): { action: RelayButtonAction; relayedFrom: RelayedFrom | null } | null {
  if (LEGACY.includes(data)) return { action: data as RelayButtonAction, relayedFrom: null };
  if (!RELAY_PREFIX.test(data)) return null;
  const match = RELAY_DATA.exec(data);
  const ids = match ? [match[2], match[3], match[4]].map(Number) : [];
  if (!match || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) throw new MalformedRelayButtonError(data);
  const [botId, customerId, customerMessageId] = ids;
  return { action: match[1] as RelayButtonAction, relayedFrom: { botId, customerId, customerMessageId } };
}

/**
 * The identity carried by a message's inline keyboard (Telegram includes it in a replied-to Message), or
 * null when it has no relay button with one (an album item, an edit notice, a copy from the first release).
 * @throws MalformedRelayButtonError as readRelayButton.
 */
export function relayedFromKeyboard(markup: unknown): RelayedFrom | null {
  for (const data of callbackDataIn(markup)) {
    const button = readRelayButton(data);
    if (button?.relayedFrom) return button.relayedFrom;
  }
  return null;
}

/** Every callback_data string of an inline keyboard; anything else in it is ignored. */
export function callbackDataIn(markup: unknown): string[] {
  const rows = (markup as { inline_keyboard?: unknown } | null | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return [];
  return rows
    .flatMap((row: unknown) => (Array.isArray(row) ? (row as unknown[]) : []))
    .map((button) => (button as { callback_data?: unknown } | null)?.callback_data)
    .filter((data): data is string => typeof data === 'string');
}
