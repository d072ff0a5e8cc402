import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { ConversationEvent } from '../src/domain/conversation/conversation.events';
import { InTopic, MasterUserCommand } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { MasterUserEvent, ReplyTarget } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

/** M12 + M13: what agents do to answers and relayed copies in a customer's topic, decided on the master's stream. */
const spec = deciderSpec(masterUserDecider);
const masterId = 1001;
const ann = 2002;
const ben = 2003;
const shop = { botId: 7000000001, username: 'shop_help_bot' };
const cafe = { botId: 7000000002, username: 'cafe_orders_bot' };
const teamGroup = -1001234567890;
const customerId = 555;
const threadId = 40;
const answerId = 77;
const content: Sealed = { keyId: 'k', box: 'b' };

const target = (botId = shop.botId): ReplyTarget => ({
  botId,
  customerId,
  conversationId: `${botId}-${customerId}`,
  customerMessageId: 0,
  relayedMessageId: 0,
});
const history: MasterUserEvent[] = [
  { type: 'MasterRegistered', data: { masterId, firstName: 'Maria' } },
  ...[shop, cafe].map((bot): MasterUserEvent => ({
    type: 'ClientBotAttached',
    data: { masterId, ...bot, encryptedToken: `sealed-${bot.botId}`, tokenMessageId: 10 },
  })),
  ...[shop, cafe].map((bot): MasterUserEvent => ({
    type: 'TeamGroupLinked',
    data: { masterId, botId: bot.botId, username: bot.username, chatId: teamGroup, linkedBy: masterId },
  })),
  { type: 'CustomerTopicOpened', data: { masterId, botId: shop.botId, customerId, chatId: teamGroup, threadId } },
  {
    type: 'ReplySent',
    data: {
      masterId,
      replyId: 'tg:1:9',
      target: target(),
      masterMessageId: answerId,
      content,
      agent: { agentId: ann, chatId: teamGroup, threadId, messageId: answerId },
    },
  },
];
const where = (overrides: Partial<InTopic> = {}): InTopic => ({
  botId: shop.botId,
  chatId: teamGroup,
  threadId,
  agentId: ben,
  ...overrides,
});
const edit = (inTopic: InTopic, extra: { messageId?: number; deliveryFailed?: boolean } = {}): MasterUserCommand => ({
  type: 'EditAnswer',
  masterId,
  masterMessageId: extra.messageId ?? answerId,
  replyId: 'tg:1:9',
  editedAt: 1700000000,
  content,
  deliveryFailed: extra.deliveryFailed ?? false,
  inTopic,
});
const del = (inTopic: InTopic, messageId: number | null = answerId): MasterUserCommand => ({
  type: 'DeleteAnswer',
  masterId,
  masterMessageId: messageId,
  inTopic,
});
const refused = (command: 'edit' | '/delete', reason: string, agentId = ben): MasterUserEvent =>
  ({
    type: 'TopicCommandRefused',
    data: { masterId, botId: shop.botId, chatId: teamGroup, threadId, agentId, command, reason },
  }) as MasterUserEvent;

describe('an agent’s edit of their answer in a topic (M12/M13)', () => {
  it('is the answer’s edit, with the agent who edited it and where', () => {
    spec
      .given(...history)
      .when(edit(where({ agentId: ann })))
      .then({
        type: 'ReplyEdited',
        data: {
          masterId,
          replyId: 'tg:1:9',
          target: target(),
          masterMessageId: answerId,
          editedAt: 1700000000,
          content,
          agent: { agentId: ann, chatId: teamGroup, threadId, messageId: answerId },
        },
      });
  });

  it('of a message that is no answer (a note, the card) decides nothing', () => {
    spec
      .given(...history)
      .when(edit(where(), { messageId: answerId + 1 }))
      .thenNothing();
  });

  it('heard by another bot of the group, or in a group the bot is no longer linked to, decides nothing', () => {
    spec
      .given(...history)
      .when(edit(where({ botId: cafe.botId })))
      .thenNothing();
    const moved: MasterUserEvent = {
      type: 'TeamGroupLinked',
      data: { masterId, botId: shop.botId, username: shop.username, chatId: -100555, linkedBy: masterId },
    };
    spec
      .given(...history, moved)
      .when(edit(where()))
      .thenNothing();
  });

  it('of an answer that never reached the customer is told in the topic', () => {
    spec
      .given(...history)
      .when(edit(where(), { deliveryFailed: true }))
      .then(refused('edit', 'reply_not_delivered'));
  });
});

describe('/delete in a customer’s topic (M12/M13)', () => {
  it('asks for the customer’s copy of the answer it replies to be deleted, whoever of the group typed it', () => {
    spec
      .given(...history)
      .when(del(where()))
      .then({
        type: 'ReplyDeletionRequested',
        data: {
          masterId,
          replyId: 'tg:1:9',
          target: target(),
          masterMessageId: answerId,
          agent: { agentId: ben, chatId: teamGroup, threadId, messageId: answerId },
        },
      });
  });

  it('says how to use it, what it cannot delete, and that an answer is already deleted', () => {
    spec
      .given(...history)
      .when(del(where(), null))
      .then(refused('/delete', 'delete_needs_reply'));
    spec
      .given(...history)
      .when(del(where(), 5))
      .then(refused('/delete', 'not_an_answer'));
    const asked = spec
      .given(...history)
      .when(del(where()))
      .thenState();
    expect(asked.topicAnswers.get(`${teamGroup}:${answerId}`)?.deleted).toBe(true);
    const deleted: MasterUserEvent = {
      type: 'ReplyDeletionRequested',
      data: {
        masterId,
        replyId: 'tg:1:9',
        target: target(),
        masterMessageId: answerId,
        agent: { agentId: ben, chatId: teamGroup, threadId, messageId: answerId },
      },
    };
    spec
      .given(...history, deleted)
      .when(del(where()))
      .then(refused('/delete', 'answer_already_deleted'));
  });

  it('outside a customer’s topic of that bot (another bot’s update, another thread) decides nothing', () => {
    spec
      .given(...history)
      .when(del(where({ botId: cafe.botId })))
      .thenNothing();
    spec
      .given(...history)
      .when(del(where({ threadId: threadId + 1 })))
      .thenNothing();
  });

  it('leaves the MasterBot chat’s answers alone: a group message id is never one of them', () => {
    spec
      .given(...history)
      .when({ type: 'DeleteAnswer', masterId, masterMessageId: answerId })
      .then({ type: 'CommandRejected', data: { masterId, command: '/delete', reason: 'not_an_answer' } });
  });
});

describe('an agent’s reaction on a relayed copy in the group (M12/M13)', () => {
  const copy = { ...target(), customerMessageId: 3, relayedMessageId: 12 };
  const react = (botId: number, chatId = teamGroup): MasterUserCommand => ({
    type: 'MirrorReaction',
    masterId,
    target: copy,
    emoji: '🔥',
    inGroup: { botId, chatId, agentId: ann },
  });

  it('is mirrored, with the agent who reacted', () => {
    spec
      .given(...history)
      .when(react(shop.botId))
      .then({ type: 'MasterReacted', data: { masterId, target: copy, emoji: '🔥', agent: { agentId: ann, chatId: teamGroup } } });
  });

  it('through another bot, or from a group the copy’s bot is not linked to, is not', () => {
    spec
      .given(...history)
      .when(react(cafe.botId))
      .thenNothing();
    spec
      .given(...history)
      .when(react(shop.botId, -100555))
      .thenNothing();
  });
});

describe('the conversation side (M12/M13)', () => {
  const conversation = deciderSpec(conversationDecider);
  const who = { botId: shop.botId, customerId, masterId };

  it('knows each message’s copy in the topic, which a customer’s edit then edits', () => {
    const relayed: ConversationEvent = {
      type: 'RelayedToTopic',
      data: { ...who, messageId: 3, chatId: teamGroup, threadId, relayedMessageId: 12 },
    };
    const state = conversation.given(relayed).state;
    expect(state.topicCopies.get(3)).toEqual({ chatId: teamGroup, threadId, relayedMessageId: 12 });
  });

  it('records an unban typed in a topic with where it came from, and nothing for a customer who is not banned', () => {
    const topic = { chatId: teamGroup, threadId, agentId: ann };
    const banned: ConversationEvent = { type: 'CustomerBanned', data: { ...who, name: content } };
    conversation
      .given(banned)
      .when({ type: 'Unban', ...who, topic })
      .then({ type: 'CustomerUnbanned', data: { ...who, topic } });
    conversation
      .given()
      .when({ type: 'Unban', ...who, topic })
      .thenNothing();
  });

  it('records every refused reaction mirror', () => {
    const failure = { towards: 'customer' as const, chatId: customerId, messageId: 3, reason: 'message_not_found' };
    conversation
      .given()
      .when({ type: 'RecordReactionFailure', ...who, ...failure })
      .then({ type: 'ReactionNotMirrored', data: { ...who, ...failure } });
  });
});
