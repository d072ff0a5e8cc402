import { MasterUserCommand } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { MasterUserEvent, ReplyTarget, TopicAnswer } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(masterUserDecider);
const masterId = 1001;
const agentId = 2002;
const shop = { botId: 7000000001, username: 'shop_help_bot' };
const cafe = { botId: 7000000002, username: 'cafe_orders_bot' };
const teamGroup = -1001234567890;
const otherGroup = -1009876543210;

const registered: MasterUserEvent = { type: 'MasterRegistered', data: { masterId, firstName: 'Maria' } };
const attached = (bot: typeof shop): MasterUserEvent => ({
  type: 'ClientBotAttached',
  data: { masterId, ...bot, encryptedToken: `sealed-${bot.botId}`, tokenMessageId: 10 },
});
const linked = (bot: typeof shop, chatId = teamGroup): MasterUserEvent => ({
  type: 'TeamGroupLinked',
  data: { masterId, botId: bot.botId, username: bot.username, chatId, linkedBy: masterId },
});
const topicOpened = (customerId: number, threadId: number, replacesThreadId?: number): MasterUserEvent => ({
  type: 'CustomerTopicOpened',
  data: { masterId, botId: shop.botId, customerId, chatId: teamGroup, threadId, ...(replacesThreadId ? { replacesThreadId } : {}) },
});
const connect = (overrides: Partial<Extract<MasterUserCommand, { type: 'LinkTeamGroup' }>> = {}): MasterUserCommand => ({
  type: 'LinkTeamGroup',
  masterId,
  botId: shop.botId,
  chatId: teamGroup,
  requestedBy: masterId,
  isForum: true,
  canManageTopics: true,
  ...overrides,
});
const refused = (reason: string, command = '/connect'): MasterUserEvent =>
  ({ type: 'CommandRejected', data: { masterId, command, reason } }) as MasterUserEvent;
const requested = (bot: typeof shop, chatId = teamGroup): MasterUserEvent => ({
  type: 'TeamGroupLinkRequested',
  data: { masterId, botId: bot.botId, username: bot.username, chatId },
});
const confirm = (accept: boolean, chatId = teamGroup, botId = shop.botId): MasterUserCommand => ({
  type: 'ConfirmTeamGroup',
  masterId,
  botId,
  chatId,
  accept,
});

const content: Sealed = { keyId: 'k', box: 'b' };
const target = (customerId: number, botId = shop.botId): ReplyTarget => ({
  botId,
  customerId,
  conversationId: `${botId}-${customerId}`,
  customerMessageId: 0,
  relayedMessageId: 0,
});
const agent = (threadId: number, chatId = teamGroup): TopicAnswer => ({ agentId, chatId, threadId, messageId: 55 });
const answer = (customerId: number, threadId: number, extra: { botId?: number; chatId?: number } = {}): MasterUserCommand => ({
  type: 'AnswerInTopic',
  masterId,
  replyId: 'tg:1:2',
  agent: agent(threadId, extra.chatId),
  target: target(customerId, extra.botId),
  content,
});

describe('linking a team group (M12)', () => {
  it('asks the master to confirm a forum supergroup where the bot may manage topics, and links it on ✅', () => {
    spec.given(registered, attached(shop)).when(connect()).then(requested(shop));
    spec.given(registered, attached(shop), requested(shop)).when(confirm(true)).then(linked(shop));
  });

  it('links nothing on ✖️ No, nor from a button of an older question', () => {
    const asked = [registered, attached(shop), requested(shop, otherGroup), requested(shop)];
    spec
      .given(...asked)
      .when(confirm(false))
      .then({ type: 'TeamGroupLinkDeclined', data: { masterId, botId: shop.botId, chatId: teamGroup } });
    spec
      .given(...asked)
      .when(confirm(true, otherGroup))
      .then(refused('picker_expired', 'team group button'));
    spec
      .given(...asked, linked(shop))
      .when(confirm(true))
      .then(refused('picker_expired', 'team group button'));
  });

  it('refuses a stranger, a group without topics and a bot without the right, each with its reason', () => {
    const given = spec.given(registered, attached(shop));
    given.when(connect({ requestedBy: agentId })).then(refused('team_group_not_owner'));
    given.when(connect({ isForum: false })).then(refused('team_group_not_forum'));
    given.when(connect({ canManageTopics: false })).then(refused('team_group_missing_right'));
    given.when(connect({ botId: cafe.botId })).then(refused('bot_not_attached'));
  });

  it('does nothing when the group is already the bot’s inbox, and moves the bot to another group', () => {
    spec.given(registered, attached(shop), linked(shop)).when(connect()).thenNothing();
    spec
      .given(registered, attached(shop), linked(shop))
      .when(connect({ chatId: otherGroup }))
      .then(requested(shop, otherGroup));
  });
});

describe('answers written in a customer topic (M12)', () => {
  const history = [registered, attached(shop), linked(shop), topicOpened(301, 40), topicOpened(302, 41)];

  it('is the reply to that topic’s customer, recorded with the agent who wrote it', () => {
    spec
      .given(...history)
      .when(answer(301, 40))
      .then({
        type: 'ReplySent',
        data: { masterId, replyId: 'tg:1:2', target: target(301), masterMessageId: 55, content, agent: agent(40) },
      });
  });

  it('resolves only topics this master’s relay opened, for that bot, in the group it is linked to', () => {
    const given = spec.given(...history);
    given.when(answer(302, 40)).thenNothing();
    given.when(answer(301, 40, { chatId: otherGroup })).thenNothing();
    given.when(answer(301, 40, { botId: cafe.botId })).thenNothing();
    given.when({ ...answer(301, 40), target: null } as MasterUserCommand).thenNothing();
  });

  it('forgets a deleted topic once the customer’s topic was opened again', () => {
    const reopened = [...history, topicOpened(301, 90, 40)];
    spec
      .given(...reopened)
      .when(answer(301, 40))
      .thenNothing();
    expect(
      spec
        .given(...reopened)
        .when(answer(301, 90))
        .thenState().topics,
    ).toMatchObject({
      [`c:${shop.botId}:301`]: { threadId: 90 },
    });
  });

  it('records a topic once, however often the relay asks', () => {
    const record: MasterUserCommand = {
      type: 'RecordCustomerTopic',
      masterId,
      botId: shop.botId,
      customerId: 301,
      chatId: teamGroup,
      threadId: 40,
    };
    spec
      .given(...history)
      .when(record)
      .thenNothing();
  });
});

describe('closing and reopening a customer’s conversation from its topic (M12)', () => {
  const mark = (closed: boolean, how: 'command' | 'by_hand' | 'customer_wrote', extra: { chatId?: number; botId?: number } = {}) =>
    ({
      type: 'MarkConversation',
      masterId,
      botId: extra.botId ?? shop.botId,
      chatId: extra.chatId ?? teamGroup,
      threadId: 40,
      by: agentId,
      closed,
      how,
    }) as MasterUserCommand;
  const topicRef = { masterId, botId: shop.botId, customerId: 3003, chatId: teamGroup, threadId: 40, by: agentId };
  const closed: MasterUserEvent = { type: 'ConversationClosed', data: { ...topicRef, how: 'command' } };
  const inTeamMode = [registered, attached(shop), linked(shop), topicOpened(3003, 40)];

  it('marks the topic’s conversation closed, then open again, each once', () => {
    spec
      .given(...inTeamMode)
      .when(mark(true, 'command'))
      .then(closed);
    spec
      .given(...inTeamMode, closed)
      .when(mark(true, 'by_hand'))
      .then();
    spec
      .given(...inTeamMode, closed)
      .when(mark(false, 'customer_wrote'))
      .then({ type: 'ConversationReopened', data: { ...topicRef, how: 'customer_wrote' } });
    spec
      .given(...inTeamMode)
      .when(mark(false, 'command'))
      .then();
  });

  it('does nothing for a topic in a group the bot is no longer linked to, or of another bot', () => {
    spec
      .given(...inTeamMode, linked(shop, otherGroup))
      .when(mark(true, 'command'))
      .then();
    spec
      .given(...inTeamMode, attached(cafe), linked(cafe))
      .when(mark(true, 'command', { botId: cafe.botId }))
      .then();
  });
});

describe('the bot losing and getting back its team group (M12)', () => {
  const access = (loss: 'bot_removed' | 'missing_rights' | null, chatId = teamGroup): MasterUserCommand => ({
    type: 'UpdateTeamGroupAccess',
    masterId,
    botId: shop.botId,
    chatId,
    loss,
  });
  const lost: MasterUserEvent = { type: 'TeamGroupLost', data: { masterId, ...shop, chatId: teamGroup, reason: 'bot_removed' } };
  const restored: MasterUserEvent = { type: 'TeamGroupRestored', data: { masterId, ...shop, chatId: teamGroup } };
  const inTeamMode = [registered, attached(shop), linked(shop)];

  it('records the loss once, and the return once', () => {
    spec
      .given(...inTeamMode)
      .when(access('bot_removed'))
      .then(lost);
    spec
      .given(...inTeamMode, lost)
      .when(access('missing_rights'))
      .then();
    spec
      .given(...inTeamMode, lost)
      .when(access(null))
      .then(restored);
    spec
      .given(...inTeamMode, lost, restored)
      .when(access(null))
      .then();
  });

  it('ignores groups the bot is not linked to', () => {
    spec
      .given(...inTeamMode)
      .when(access('bot_removed', otherGroup))
      .then();
    spec.given(registered, attached(shop)).when(access('bot_removed')).then();
  });

  it('lets /connect link the same group again once it was lost', () => {
    spec
      .given(...inTeamMode)
      .when(connect())
      .then();
    spec
      .given(...inTeamMode, lost)
      .when(connect())
      .then(requested(shop));
  });
});

describe('the team group migrated to a supergroup (M12)', () => {
  const migrated = (fromChatId: number, toChatId: number): MasterUserCommand => ({
    type: 'FollowGroupMigration',
    masterId,
    botId: shop.botId,
    fromChatId,
    toChatId,
  });
  const moved: MasterUserEvent = { type: 'TeamGroupMoved', data: { masterId, ...shop, fromChatId: teamGroup, toChatId: otherGroup } };

  it('moves the link to the new id once; a migration of another group changes nothing', () => {
    spec.given(registered, attached(shop), linked(shop)).when(migrated(teamGroup, otherGroup)).then(moved);
    spec.given(registered, attached(shop), linked(shop), moved).when(migrated(teamGroup, otherGroup)).then();
    spec.given(registered, attached(shop), linked(shop)).when(migrated(-4444, otherGroup)).then();
  });
});
