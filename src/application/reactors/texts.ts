/**
 * What the relay and the client bots say to customers and in relayed copies (header, repeats, media, edits,
 * greeting, anti-flood). Everything the MasterBot answers the master is in its slice
 * (`src/application/<intent>/<intent>.texts.ts`, refusals in refusals/refusals.texts.ts).
 */
export const texts = {
  throttled: 'You are sending messages too fast. Please wait a minute; messages sent meanwhile are not delivered.',
  defaultGreeting: 'Hello! Send us your message and we will answer here as soon as we can.',
  media: {
    /** The relay's first line: who wrote, through which bot. */
    header: (customer: string, botUsername: string | undefined) => `💬 ${customer} → ${botUsername ? `@${botUsername}` : 'your bot'}`,
    /** Above the header of a relay sent again after a crash interrupted it: the master may see this message twice. */
    repeated: '↻ Sent again after a restart — an earlier copy may exist; you can answer either.',
    kindNames: {
      photo: 'photo',
      video: 'video',
      document: 'file',
      voice: 'voice message',
      audio: 'audio file',
      sticker: 'sticker',
      animation: 'GIF',
      video_note: 'video message',
    } as Record<string, string>,
    tooBigToRelay: (customer: string, kind: string, size: string | null, limitMb: number) =>
      `📎 ${customer} sent a ${kind}${size ? ` of ${size}` : ''}; Telegram lets bots download at most ${limitMb} MB, so it could not be relayed. ` +
      'Reply here to ask for a smaller one.',
    edited: (customer: string, text: string) => `✏️ ${customer} edited this message:\n\n${text}`,
    editedWithoutText: (customer: string) => `✏️ ${customer} edited this message.`,
  },
};

export const TELEGRAM_TEXT_LIMIT = 4096;

/** Telegram refuses texts over 4096 characters: cut with a visible marker rather than fail. */
export function fitTelegramText(text: string): string {
  if (text.length <= TELEGRAM_TEXT_LIMIT) return text;
  const marker = '… [truncated]';
  return text.slice(0, TELEGRAM_TEXT_LIMIT - marker.length) + marker;
}
