import { InboxMode } from '../../domain/master-user/master-user.events';
import { inboxTexts } from '../own-chat/inbox.texts';
import { BotStats } from '../ports/read-models.port';

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What /bots says (M8): each client bot with its counters, state and inbox (M14). */
export const listBotsTexts = {
  botList: (bots: BotStats[], inboxes: Map<number, InboxMode> = new Map()) =>
    bots.length === 0
      ? 'You have no client bots attached. /add attaches one.'
      : 'Your client bots:\n\n' +
        bots
          .map((b) => {
            const flag = b.broken ? ' ⚠️ token revoked' : b.paused ? ' ⏸ paused (Free plan)' : '';
            const counts = `${count(b.receivedCount, 'message')} received, ${count(b.answeredCount, 'reply', 'replies')} delivered`;
            return `@${b.username}${flag}\n   ${counts}\n   ${inboxTexts.listed(inboxes.get(b.botId) ?? 'master_chat')}`;
          })
          .join('\n') +
        '\n\n/inbox chooses where a bot’s messages arrive: here, in the bot’s own chat, or in a team group.',
};
