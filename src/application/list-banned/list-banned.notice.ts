import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { listBannedTexts } from './list-banned.texts';

/** `BannedListRequested`: the master's banned customers, each an unban button (`unban:<bot>:<customer>`). */
export const listBannedNotice: MasterNotice<MasterUserEventOf<'BannedListRequested'>> = {
  handles: ['BannedListRequested'],
  render: async ({ data: { masterId } }, { say, banned, vault }) => {
    const list = await banned.of(masterId);
    if (list.length === 0) return void (await say(listBannedTexts.noneBanned));
    const name = (sealed: (typeof list)[number]['name']) => vault.open<{ name: string }>(sealed)?.name ?? listBannedTexts.erasedCustomer;
    // Telegram allows 100 buttons per keyboard; the oldest bans come first.
    const buttons = list
      .slice(0, 100)
      .map((b) => [{ text: `✅ ${name(b.name)} · @${b.botUsername}`, callbackData: `unban:${b.botId}:${b.customerId}` }]);
    await say(listBannedTexts.bannedList(list.length), buttons);
  },
};
