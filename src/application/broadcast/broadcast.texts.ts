import { AbandonReason } from '../../domain/broadcast/broadcast.events';
import { BroadcastCounts } from '../../domain/broadcast/broadcast.state';

const customers = (n: number) => `${n} customer${n === 1 ? '' : 's'}`;

const abandoned: Record<AbandonReason, (bot: string) => string> = {
  content_erased: () => 'The message was erased before everyone got it; the rest were not sent.',
  client_bot_unavailable: (bot) => `@${bot} is no longer attached (or not working), so nobody else could be sent the message.`,
  token_revoked: (bot) => `@${bot}’s token was revoked in @BotFather, so the rest could not be sent. Attach it again with /add.`,
  file_too_big: () => 'The file is too big for bots to pass on (20 MB at most), so nobody else could be sent it.',
};

/** What the MasterBot says about a broadcast (M10), in the product's words. */
export const broadcastTexts = {
  sending: (recipients: number, bot: string) => `📣 Sending to ${customers(recipients)} of @${bot}…`,
  nobodyToSendTo: (bot: string) => `📣 @${bot} has no customers to send to yet (customers who blocked the bot or are banned are left out).`,
  /** "📣 Broadcast via @bot finished: 120 delivered, 3 blocked the bot, 1 failed". */
  finished(bot: string, counts: BroadcastCounts, reason: AbandonReason | null): string {
    let text = `📣 Broadcast via @${bot} finished: ${counts.delivered} delivered, ${counts.blocked} blocked the bot, ${counts.failed} failed`;
    if (counts.interrupted > 0) {
      text += `, ${counts.interrupted} unconfirmed (a restart interrupted their sending; they may or may not have it, and were not sent it twice)`;
    }
    return reason ? `${text}.\n${abandoned[reason](bot)}` : text;
  },
};
