import { MasterUserCommand } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { InboxMode, MasterUserEvent, OwnChatAnswer, ReplyTarget } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(masterUserDecider);
const masterId = 1001;
const shop = { botId: 7000000001, username: 'shop_help_bot' };
const cafe = { botId: 7000000002, username: 'cafe_orders_bot' };
const teamGroup = -1001234567890;

const registered: MasterUserEvent = { type: 'MasterRegistered', data: { masterId, firstName: 'Maria' } };
const attached = (bot: typeof shop): MasterUserEvent => ({
  type: 'ClientBotAttached',
  data: { masterId, ...bot, encryptedToken: `sealed-${bot.botId}`, tokenMessageId: 10 },
});
const linked: MasterUserEvent = {
  type: 'TeamGroupLinked',
  data: { masterId, botId: shop.botId, username: shop.username, chatId: teamGroup, linkedBy: masterId },
};
const choose = (mode: InboxMode, botId = shop.botId, askedIn: 'master_bot' | 'bot_chat' = 'master_bot'): MasterUserCommand => ({
  type: 'ChooseInboxMode',
  masterId,
  botId,
  mode,
  askedIn,
});
const chosen = (mode: InboxMode, bot = shop, askedIn: 'master_bot' | 'bot_chat' = 'master_bot'): MasterUserEvent => ({
  type: 'InboxModeChosen',
  data: { masterId, botId: bot.botId, username: bot.username, mode, askedIn },
});
const refused = (reason: string, command: string, inBotChatOf?: number): MasterUserEvent =>
  ({ type: 'CommandRejected', data: { masterId, command, reason, ...(inBotChatOf ? { inBotChatOf } : {}) } }) as MasterUserEvent;
const ownTopic = (customerId: number, threadId: number): MasterUserEvent => ({
  type: 'OwnChatTopicOpened',
  data: { masterId, botId: shop.botId, customerId, threadId },
});
const content: Sealed = { keyId: 'k', box: 'b' };
const target = (customerId: number, botId = shop.botId): ReplyTarget => ({
  botId,
  customerId,
  conversationId: `${botId}-${customerId}`,
  customerMessageId: 0,
  relayedMessageId: 0,
});
const inOwnChat = (threadId?: number): OwnChatAnswer => ({
  ownChat: true,
  agentId: masterId,
  chatId: masterId,
  messageId: 77,
  ...(threadId ? { threadId } : {}),
});
const answer = (t: ReplyTarget | null, threadId?: number, sealed: Sealed | null = content): MasterUserCommand => ({
  type: 'AnswerInOwnChat',
  masterId,
  replyId: 'tg:1:2',
  agent: inOwnChat(threadId),
  target: t,
  content: sealed,
});

describe('inbox modes, decided', () => {
  it('/inbox with one bot shows where it relays now (the MasterBot chat by default)', () => {
    spec
      .given(registered, attached(shop))
      .when({ type: 'RequestInbox', masterId })
      .then({ type: 'InboxModeOffered', data: { masterId, ...shop, mode: 'master_chat', askedIn: 'master_bot' } });
  });

  it('/inbox with several bots asks which one first', () => {
    const state = spec.given(registered, attached(shop), attached(cafe)).state;
    const events = masterUserDecider.decide({ type: 'RequestInbox', masterId }, state);
    expect(events.map((e) => e.type)).toEqual(['BotPickerOffered', 'StateChanged']);
    expect(events[0].data).toMatchObject({ purpose: 'inbox', bots: [shop, cafe] });
  });

  it('switches a bot to its own chat, and back to the MasterBot chat', () => {
    spec.given(registered, attached(shop)).when(choose('bot_chat')).then(chosen('bot_chat'));
    spec.given(registered, attached(shop), chosen('bot_chat')).when(choose('master_chat')).then(chosen('master_chat'));
  });

  it('sends two bots of one master to different inboxes', () => {
    const state = spec.given(registered, attached(shop), attached(cafe), chosen('bot_chat')).state;
    expect(state.bots.map((b) => b.inbox ?? 'master_chat')).toEqual(['bot_chat', 'master_chat']);
  });

  it('goes back to a team group linked before, and refuses a team group never linked, saying how to link one', () => {
    spec.given(registered, attached(shop), linked, chosen('bot_chat')).when(choose('team_group')).then(chosen('team_group'));
    spec.given(registered, attached(shop)).when(choose('team_group')).then(refused('team_group_not_linked', 'inbox button'));
  });

  it('linking a team group makes it the inbox', () => {
    expect(spec.given(registered, attached(shop), chosen('bot_chat'), linked).state.bots[0].inbox).toBe('team_group');
  });

  it('refuses a bot that is not this master’s (an old or forged button), in the chat it was pressed in', () => {
    spec.given(registered, attached(shop)).when(choose('bot_chat', cafe.botId)).then(refused('bot_not_attached', 'inbox button'));
    spec
      .given(registered, attached(shop))
      .when(choose('bot_chat', cafe.botId, 'bot_chat'))
      .then(refused('bot_not_attached', 'inbox button', cafe.botId));
  });

  it('says so when the bot already relays there, and records nothing', () => {
    spec.given(registered, attached(shop)).when(choose('master_chat')).then(refused('inbox_unchanged', 'inbox button'));
  });

  it('offers the inbox to the owner writing to their own bot', () => {
    spec
      .given(registered, attached(shop), chosen('bot_chat'))
      .when({ type: 'OfferInbox', masterId, botId: shop.botId, asked: true })
      .then({ type: 'InboxModeOffered', data: { masterId, ...shop, mode: 'bot_chat', askedIn: 'bot_chat' } });
  });

  it('offers it on the owner’s plain message once; after that only when asked (/start, /help, /inbox)', () => {
    const offered: MasterUserEvent = { type: 'InboxModeOffered', data: { masterId, ...shop, mode: 'master_chat', askedIn: 'bot_chat' } };
    const plain: MasterUserCommand = { type: 'OfferInbox', masterId, botId: shop.botId, asked: false };
    spec.given(registered, attached(shop)).when(plain).then(offered);
    spec.given(registered, attached(shop), offered).when(plain).thenNothing();
    spec
      .given(registered, attached(shop), offered)
      .when({ ...plain, asked: true })
      .then(offered);
    // An offer in the MasterBot chat (/inbox there) is not one the bot showed in its own chat.
    spec
      .given(registered, attached(shop), { ...offered, data: { ...offered.data, askedIn: 'master_bot' } })
      .when(plain)
      .then(offered);
  });

  it('records a customer’s topic in the owner’s chat once', () => {
    const record: MasterUserCommand = { type: 'RecordOwnChatTopic', masterId, botId: shop.botId, customerId: 5, threadId: 9 };
    spec.given(registered, attached(shop)).when(record).then(ownTopic(5, 9));
    spec.given(registered, attached(shop), ownTopic(5, 9)).when(record).thenNothing();
  });
});

describe('the owner’s answers from their own chat with the bot, decided', () => {
  it('sends what the owner wrote in a customer’s topic to that customer, as the owner’s answer', () => {
    spec
      .given(registered, attached(shop), chosen('bot_chat'), ownTopic(5, 9))
      .when(answer(target(5), 9))
      .then({
        type: 'ReplySent',
        data: { masterId, replyId: 'tg:1:2', target: target(5), masterMessageId: 77, content, agent: inOwnChat(9) },
      });
  });

  it('never sends a topic’s answer to another customer', () => {
    spec
      .given(registered, attached(shop), ownTopic(5, 9), ownTopic(6, 10))
      .when(answer(target(6), 9))
      .thenNothing();
  });

  it('keeps answering by Reply after the bot was switched back to the MasterBot chat', () => {
    const sent = masterUserDecider.decide(
      answer(target(5)),
      spec.given(registered, attached(shop), chosen('bot_chat'), chosen('master_chat')).state,
    );
    expect(sent.map((e) => e.type)).toEqual(['ReplySent']);
  });

  it('refuses, in the bot’s chat, an answer through a bot no longer attached, and a message that cannot be delivered', () => {
    spec
      .given(registered, attached(cafe))
      .when(answer(target(5)))
      .then(refused('bot_not_attached', 'own chat answer', shop.botId));
    spec
      .given(registered, attached(shop))
      .when(answer(target(5), undefined, null))
      .then(refused('unsupported_message', 'own chat answer', shop.botId));
  });

  it('decides nothing for a message naming no customer', () => {
    spec.given(registered, attached(shop)).when(answer(null)).thenNothing();
  });
});

describe('answers from the owner’s own chat kept in sync, decided', () => {
  const sent = (t: ReplyTarget, threadId?: number): MasterUserEvent => ({
    type: 'ReplySent',
    data: { masterId, replyId: 'tg:1:2', target: t, masterMessageId: 77, content, agent: inOwnChat(threadId) },
  });
  const edit = (messageId: number, botId = shop.botId, threadId?: number): MasterUserCommand => ({
    type: 'EditAnswer',
    masterId,
    masterMessageId: messageId,
    replyId: 'tg:1:2',
    editedAt: 1700000000,
    content,
    deliveryFailed: false,
    inOwnChat: { botId, ...(threadId ? { threadId } : {}) },
  });
  const del = (messageId: number | null, botId = shop.botId): MasterUserCommand => ({
    type: 'DeleteAnswer',
    masterId,
    masterMessageId: messageId,
    inOwnChat: { botId },
  });

  it('edits the customer’s copy when the owner edits their answer there', () => {
    spec
      .given(registered, attached(shop), sent(target(5)))
      .when(edit(77))
      .then({
        type: 'ReplyEdited',
        data: { masterId, replyId: 'tg:1:2', target: target(5), masterMessageId: 77, editedAt: 1700000000, content, agent: inOwnChat() },
      });
  });

  it('never takes a message id of the owner’s chat with one bot for an answer in another bot’s chat, or the MasterBot chat', () => {
    spec
      .given(registered, attached(shop), attached(cafe), sent(target(5)))
      .when(edit(77, cafe.botId))
      .thenNothing();
    // The same id in the MasterBot chat is not that answer either.
    const inMasterChat: MasterUserCommand = {
      type: 'EditAnswer',
      masterId,
      masterMessageId: 77,
      replyId: 'tg:1:2',
      editedAt: 1,
      content,
      deliveryFailed: false,
    };
    spec
      .given(registered, attached(shop), sent(target(5)))
      .when(inMasterChat)
      .thenNothing();
  });

  it('in a customer’s topic, only that customer’s answers count', () => {
    spec
      .given(registered, attached(shop), ownTopic(5, 9), ownTopic(6, 10), sent(target(5), 9))
      .when(edit(77, shop.botId, 10))
      .thenNothing();
  });

  it('/delete replying to the owner’s answer asks for the customer’s copy to be deleted, once', () => {
    const requested: MasterUserEvent = {
      type: 'ReplyDeletionRequested',
      data: { masterId, replyId: 'tg:1:2', target: target(5), masterMessageId: 77, agent: inOwnChat() },
    };
    spec
      .given(registered, attached(shop), sent(target(5)))
      .when(del(77))
      .then(requested);
    spec
      .given(registered, attached(shop), sent(target(5)), requested)
      .when(del(77))
      .then(refused('answer_already_deleted', '/delete', shop.botId));
  });

  it('refuses /delete in the bot’s chat replying to nothing, or to what is not an answer', () => {
    spec
      .given(registered, attached(shop))
      .when(del(null))
      .then(refused('delete_needs_reply', '/delete', shop.botId));
    spec
      .given(registered, attached(shop), sent(target(5)))
      .when(del(78))
      .then(refused('not_an_answer', '/delete', shop.botId));
  });

  it('mirrors the owner’s reaction on a copy their bot relayed there; never through another bot', () => {
    const copy = { ...target(5), customerMessageId: 3, relayedMessageId: 40 };
    const react = (botId: number): MasterUserCommand => ({
      type: 'MirrorReaction',
      masterId,
      target: copy,
      emoji: '❤',
      inOwnChat: { botId },
    });
    spec
      .given(registered, attached(shop))
      .when(react(shop.botId))
      .then({
        type: 'MasterReacted',
        data: { masterId, target: copy, emoji: '❤', agent: { agentId: masterId, chatId: masterId, ownChat: true } },
      });
    spec.given(registered, attached(shop), attached(cafe)).when(react(cafe.botId)).thenNothing();
  });
});
