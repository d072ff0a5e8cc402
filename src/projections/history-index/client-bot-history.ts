import { ClientBotRecord } from '../../application/ports/read-models.port';
import { isEventOf, RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { ClientBotRegistryEvent } from '../../domain/client-bot/client-bot-registry';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';

/** A master's events that change one of their client bots' record. */
type BotRecordChange = MasterUserEventOf<
  | 'ClientBotAttached'
  | 'ClientBotDetached'
  | 'ClientBotBroken'
  | 'GreetingSet'
  | 'ProExpired'
  | 'ProActivated'
  | 'TeamGroupLinked'
  | 'TeamGroupLost'
  | 'TeamGroupRestored'
  | 'TeamGroupMoved'
  | 'InboxModeChosen'
>;
/** The types of a master's events a bot's record is folded from: the bot directory reads only these of a master's stream. */
export const BOT_RECORD_CHANGES: TypesOf<BotRecordChange> = [
  'ClientBotAttached',
  'ClientBotDetached',
  'ClientBotBroken',
  'GreetingSet',
  'ProExpired',
  'ProActivated',
  'TeamGroupLinked',
  'TeamGroupLost',
  'TeamGroupRestored',
  'TeamGroupMoved',
  'InboxModeChosen',
];
type Claimed = Extract<ClientBotRegistryEvent, { type: 'ClientBotClaimed' }>;
const CHANGES: TypesOf<BotRecordChange | ClientBotRegistryEvent> = [...BOT_RECORD_CHANGES, 'ClientBotClaimed', 'ClientBotReleased'];

/** The client bots whose record an event changes (the registry's claims too: an attach is about to follow). */
export function botsChangedBy(event: RecordedEvent): number[] {
  if (!isEventOf<BotRecordChange | ClientBotRegistryEvent>(event, CHANGES)) return [];
  switch (event.type) {
    case 'ClientBotAttached':
    case 'ClientBotDetached':
    case 'ClientBotBroken':
    case 'GreetingSet':
    case 'TeamGroupLinked':
    case 'TeamGroupLost':
    case 'TeamGroupRestored':
    case 'TeamGroupMoved':
    case 'InboxModeChosen':
    case 'ClientBotClaimed':
    case 'ClientBotReleased':
      return [event.data.botId];
    case 'ProExpired':
      return event.data.pausedBotIds;
    case 'ProActivated':
      return event.data.resumedBotIds;
    default:
      return [];
  }
}

/** The masters that ever claimed the bot, from its registry stream: only their streams can hold its record. */
export function claimantsOf(registry: RecordedEvent[]): number[] {
  const masters = new Set<number>();
  for (const event of registry) if (isEventOf<Claimed>(event, ['ClientBotClaimed'])) masters.add(event.data.masterId);
  return [...masters];
}

/**
 * A client bot's record folded from its claimants' master streams (upcast, any order: sorted here by
 * global position). The same rules as the `client_bots` projection: an attach (re)creates the record for
 * its master, keeping the greeting only when the same master re-attaches; every other change applies only
 * to the bot's current owner. null when no master ever attached it.
 */
export function foldClientBot(botId: number, masterEvents: RecordedEvent[]): ClientBotRecord | null {
  const folded: { bot: ClientBotRecord | null } = { bot: null };
  /** Changes the record only for its current owner: another master's event about the bot changes nothing. */
  const edit = (masterId: number, patch: Partial<ClientBotRecord>): void => {
    if (folded.bot?.masterId === masterId) folded.bot = { ...folded.bot, ...patch };
  };
  const sorted = [...masterEvents].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  for (const event of sorted) {
    if (!isEventOf<BotRecordChange>(event, BOT_RECORD_CHANGES)) continue;
    switch (event.type) {
      case 'ClientBotAttached': {
        if (event.data.botId !== botId) break;
        const { masterId, username, encryptedToken } = event.data;
        const same = folded.bot?.masterId === masterId ? folded.bot : null;
        folded.bot = {
          botId,
          masterId,
          username,
          encryptedToken,
          status: 'attached',
          paused: false,
          broken: false,
          greeting: same?.greeting ?? null,
        };
        if (same?.teamGroupChatId !== undefined) folded.bot.teamGroupChatId = same.teamGroupChatId;
        if (same?.teamGroupLost) folded.bot.teamGroupLost = true;
        if (same?.inbox !== undefined) folded.bot.inbox = same.inbox;
        break;
      }
      case 'TeamGroupLinked':
        if (event.data.botId === botId)
          edit(event.data.masterId, { teamGroupChatId: event.data.chatId, teamGroupLost: false, inbox: 'team_group' });
        break;
      case 'InboxModeChosen':
        if (event.data.botId === botId) edit(event.data.masterId, { inbox: event.data.mode });
        break;
      case 'TeamGroupMoved':
        if (event.data.botId === botId && folded.bot?.teamGroupChatId === event.data.fromChatId)
          edit(event.data.masterId, { teamGroupChatId: event.data.toChatId });
        break;
      case 'TeamGroupLost':
      case 'TeamGroupRestored':
        if (event.data.botId === botId && folded.bot?.teamGroupChatId === event.data.chatId)
          edit(event.data.masterId, { teamGroupLost: event.type === 'TeamGroupLost' });
        break;
      case 'ClientBotDetached':
        if (event.data.botId === botId) edit(event.data.masterId, { status: 'detached' });
        break;
      case 'ClientBotBroken':
        if (event.data.botId === botId) edit(event.data.masterId, { broken: true });
        break;
      case 'GreetingSet':
        if (event.data.botId === botId) edit(event.data.masterId, { greeting: event.data.greeting });
        break;
      case 'ProExpired':
        if (event.data.pausedBotIds.includes(botId)) edit(event.data.masterId, { paused: true });
        break;
      case 'ProActivated':
        if (event.data.resumedBotIds.includes(botId)) edit(event.data.masterId, { paused: false });
        break;
      default:
        break;
    }
  }
  return folded.bot;
}
