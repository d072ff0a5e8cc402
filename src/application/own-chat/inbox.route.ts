import { InboxMode } from '../../domain/master-user/master-user.events';
import { readRelayButton } from '../reactors/relay-buttons';
import { ButtonRoute, MalformedButtonError } from '../shared/button-route';
import { BanFromOwnChatCommand, ChooseInboxModeCommand } from './inbox.commands';
import { INBOX_BUTTON, modeOfWord } from './inbox.texts';

/**
 * M14: an inbox button (`inbox:<bot id>:<master|bot|group>`), or null for other data. Data that looks like one but
 * names no mode we offer is bad input.
 */
function inboxChoice(data: string): { botId: number; mode: InboxMode } | null {
  if (!data.startsWith('inbox:')) return null;
  const match = INBOX_BUTTON.exec(data);
  const mode = match ? modeOfWord(match[2]) : null;
  const botId = match ? Number(match[1]) : NaN;
  if (!mode || !Number.isSafeInteger(botId) || botId <= 0)
    throw new MalformedButtonError(`not an inbox button we sent: ${JSON.stringify(data.slice(0, 64))}`);
  return { botId, mode };
}

/**
 * M14: the inbox offer's buttons, in the MasterBot chat or in the owner's chat with the client bot (there only
 * for that very bot); the handlers check the presser is the bot's owner.
 */
export const inboxButtonRoute: ButtonRoute = {
  translate: ({ origin, pressedBy, data, clientBotId }) => {
    const inbox = inboxChoice(data);
    if (!inbox) return null;
    if (clientBotId === null) return new ChooseInboxModeCommand(origin, pressedBy, inbox.botId, inbox.mode, 'master_bot');
    return inbox.botId === clientBotId ? new ChooseInboxModeCommand(origin, pressedBy, clientBotId, inbox.mode, 'bot_chat') : null;
  },
};

/** M14: 🚫 Ban under a relayed copy in the owner's chat with the client bot. */
export const ownChatBanButtonRoute: ButtonRoute = {
  translate: ({ origin, pressedBy, data, clientBotId }) => {
    if (clientBotId === null) return null;
    const relay = readRelayButton(data);
    return relay?.action === 'ban' && relay.relayedFrom
      ? new BanFromOwnChatCommand(origin, clientBotId, pressedBy, relay.relayedFrom)
      : null;
  },
};
