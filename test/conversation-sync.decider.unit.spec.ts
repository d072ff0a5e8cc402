import { ConversationCommand } from '../src/domain/conversation/conversation.commands';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { ConversationEvent } from '../src/domain/conversation/conversation.events';
import { MasterUserCommand } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { MasterUserEvent, ReplyTarget } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

/** M13: what the domain decides when an answer is edited, deleted or reacted to, on either side. */
const master = deciderSpec(masterUserDecider);
const conversation = deciderSpec(conversationDecider);

const masterId = 1001;
const shop = { botId: 7000000001, username: 'shop_help_bot' };
const who = { botId: shop.botId, customerId: 555, masterId };
const target: ReplyTarget = {
  botId: shop.botId,
  customerId: 555,
  conversationId: '7000000001-555',
  customerMessageId: 3,
  relayedMessageId: 40,
};
const sealedAnswer: Sealed = { keyId: '7000000001-555', box: 'YW5zd2Vy' };
const sealedEdit: Sealed = { keyId: '7000000001-555', box: 'ZWRpdGVk' };
/** The master's answer in the MasterBot chat, and the reply it became. */
const ANSWER = 88;
const REPLY = 'tg:1:900';
const EDITED_AT = 1_800_000_100;

const registered: MasterUserEvent = { type: 'MasterRegistered', data: { masterId, firstName: 'Alice' } };
const attached: MasterUserEvent = {
  type: 'ClientBotAttached',
  data: { masterId, ...shop, encryptedToken: 'sealed-token', tokenMessageId: 10 },
};
const broken: MasterUserEvent = { type: 'ClientBotBroken', data: { masterId, ...shop, reason: 'token_revoked' } };
const replySent: MasterUserEvent = {
  type: 'ReplySent',
  data: { masterId, replyId: REPLY, target, masterMessageId: ANSWER, content: sealedAnswer },
};
const editAnswer = (masterMessageId = ANSWER, deliveryFailed = false, replyId = REPLY): MasterUserCommand => ({
  type: 'EditAnswer',
  masterId,
  masterMessageId,
  replyId,
  editedAt: EDITED_AT,
  content: sealedEdit,
  deliveryFailed,
});
const replyEdited: MasterUserEvent = {
  type: 'ReplyEdited',
  data: { masterId, replyId: REPLY, target, masterMessageId: ANSWER, editedAt: EDITED_AT, content: sealedEdit },
};

const delivered: ConversationEvent = {
  type: 'ReplyDelivered',
  data: {
    ...who,
    replyId: REPLY,
    relayedMessageId: 40,
    deliveredMessageId: 7,
    uploaded: [],
    answer: { chatId: masterId, messageId: ANSWER },
  },
};
const deliveryFailed: ConversationEvent = { type: 'ReplyDeliveryFailed', data: { ...who, replyId: REPLY, reason: 'customer_blocked_bot' } };
const recordEdit = (failure?: string): ConversationCommand => ({
  type: 'RecordReplyEdit',
  ...who,
  replyId: REPLY,
  editedAt: EDITED_AT,
  ...(failure ? { failure } : {}),
});
const editDelivered: ConversationEvent = {
  type: 'ReplyEditDelivered',
  data: { ...who, replyId: REPLY, editedAt: EDITED_AT, deliveredMessageId: 7 },
};
const editFailed = (reason: string): ConversationEvent => ({
  type: 'ReplyEditFailed',
  data: { ...who, replyId: REPLY, editedAt: EDITED_AT, reason },
});

const deleteAnswer = (masterMessageId: number | null = ANSWER): MasterUserCommand => ({ type: 'DeleteAnswer', masterId, masterMessageId });
const deletionRequested: MasterUserEvent = {
  type: 'ReplyDeletionRequested',
  data: { masterId, replyId: REPLY, target, masterMessageId: ANSWER },
};
const deleteRefused = (reason: 'delete_needs_reply' | 'not_an_answer' | 'answer_already_deleted' | 'bot_broken'): MasterUserEvent => ({
  type: 'CommandRejected',
  data: { masterId, command: '/delete', reason },
});
const recordDeletion = (failure?: string): ConversationCommand => ({
  type: 'RecordReplyDeletion',
  ...who,
  replyId: REPLY,
  ...(failure ? { failure } : {}),
});
const replyDeleted: ConversationEvent = { type: 'ReplyDeleted', data: { ...who, replyId: REPLY, deliveredMessageId: 7 } };
const deletionFailed = (reason: string): ConversationEvent => ({ type: 'ReplyDeletionFailed', data: { ...who, replyId: REPLY, reason } });

const mirror = (emoji: string | null): MasterUserCommand => ({ type: 'MirrorReaction', masterId, target, emoji });
const customerReacts = (messageId: number, emoji: string | null): ConversationCommand => ({
  type: 'RecordCustomerReaction',
  ...who,
  messageId,
  emoji,
});

describe('conversations in sync: the decisions', () => {
  describe("the master edits an answer (master's stream)", () => {
    it('an edit of an answer is recorded with the answer’s customer, sealed', () => {
      master.given(registered, attached, replySent).when(editAnswer()).then(replyEdited);
    });

    it('an edit of any other message records nothing and says nothing', () => {
      master
        .given(registered, attached, replySent)
        .when(editAnswer(ANSWER + 1))
        .thenNothing();
    });

    it('an edit naming another reply than the one the message became records nothing', () => {
      master
        .given(registered, attached, replySent)
        .when(editAnswer(ANSWER, false, 'tg:1:other'))
        .thenNothing();
    });

    it('an edit of an answer whose delivery failed is refused, so the master hears it cannot arrive', () => {
      master
        .given(registered, attached, replySent)
        .when(editAnswer(ANSWER, true))
        .then({ type: 'CommandRejected', data: { masterId, command: 'edit', reason: 'reply_not_delivered', messageId: ANSWER } });
    });

    it('an edit through a bot whose token was revoked is refused like a reply', () => {
      master
        .given(registered, attached, replySent, broken)
        .when(editAnswer())
        .then({ type: 'CommandRejected', data: { masterId, command: 'edit', reason: 'bot_broken', messageId: ANSWER } });
    });
  });

  describe("the edit's outcome (conversation stream)", () => {
    it('an edit applied to the delivered copy is recorded with the copy', () => {
      conversation.given(delivered).when(recordEdit()).then(editDelivered);
    });

    it('the same edit is recorded once', () => {
      conversation.given(delivered, editDelivered).when(recordEdit()).thenNothing();
    });

    it('an edit of a reply that was never delivered records why', () => {
      conversation.given(deliveryFailed).when(recordEdit()).then(editFailed('reply_not_delivered'));
    });

    it("Telegram's refusal is recorded as the edit's failure", () => {
      conversation.given(delivered).when(recordEdit('telegram_400')).then(editFailed('telegram_400'));
    });
  });

  describe('/delete (master’s stream)', () => {
    it('/delete on an answer asks for the customer’s copy to be deleted', () => {
      master.given(registered, attached, replySent).when(deleteAnswer()).then(deletionRequested);
    });

    it('/delete while answering with ✍ Reply first returns to the main menu', () => {
      const responding: MasterUserEvent[] = [
        { type: 'ReplyStarted', data: { masterId, target } },
        { type: 'StateChanged', data: { masterId, from: 'Main', to: 'Responding', trigger: 'reply button' } },
      ];
      master
        .given(registered, attached, replySent, ...responding)
        .when(deleteAnswer())
        .then({ type: 'StateChanged', data: { masterId, from: 'Responding', to: 'Main', trigger: '/delete' } }, deletionRequested);
    });

    it('/delete replying to nothing, or to anything but an answer, is refused with how to use it', () => {
      master.given(registered, attached, replySent).when(deleteAnswer(null)).then(deleteRefused('delete_needs_reply'));
      master.given(registered, attached, replySent).when(deleteAnswer(40)).then(deleteRefused('not_an_answer'));
    });

    it('an answer is deleted once; asking again is refused', () => {
      master.given(registered, attached, replySent, deletionRequested).when(deleteAnswer()).then(deleteRefused('answer_already_deleted'));
    });

    it('/delete through a bot whose token was revoked is refused', () => {
      master.given(registered, attached, replySent, broken).when(deleteAnswer()).then(deleteRefused('bot_broken'));
    });

    it('an edit of a deleted answer records nothing', () => {
      master.given(registered, attached, replySent, deletionRequested).when(editAnswer()).thenNothing();
    });
  });

  describe("the deletion's outcome (conversation stream)", () => {
    it('a deleted copy is recorded with its message id, once', () => {
      conversation.given(delivered).when(recordDeletion()).then(replyDeleted);
      conversation.given(delivered, replyDeleted).when(recordDeletion()).thenNothing();
    });

    it('a reply never delivered has no copy to delete', () => {
      conversation.given(deliveryFailed).when(recordDeletion()).then(deletionFailed('reply_not_delivered'));
    });

    it("Telegram's refusal (48 hours) is recorded as the reason", () => {
      conversation.given(delivered).when(recordDeletion('telegram_cannot_delete')).then(deletionFailed('telegram_cannot_delete'));
    });

    it('an edit after the copy was deleted is recorded as not applied', () => {
      conversation.given(delivered, replyDeleted).when(recordEdit()).then(editFailed('reply_deleted'));
    });
  });

  describe('reactions', () => {
    it("the master's reaction on a relayed message is recorded with its customer, and so is taking it back", () => {
      master
        .given(registered, attached)
        .when(mirror('🔥'))
        .then({ type: 'MasterReacted', data: { masterId, target, emoji: '🔥' } });
      master
        .given(registered, attached)
        .when(mirror(null))
        .then({ type: 'MasterReacted', data: { masterId, target, emoji: null } });
    });

    it('a reaction through a bot that cannot carry it is dropped without a word', () => {
      master.given(registered, attached, broken).when(mirror('🔥')).thenNothing();
    });

    it("a customer's reaction on their copy of an answer is recorded with the reply", () => {
      conversation
        .given(delivered)
        .when(customerReacts(7, '❤'))
        .then({ type: 'CustomerReacted', data: { ...who, replyId: REPLY, messageId: 7, emoji: '❤' } });
    });

    it("a customer's reaction on anything else (a greeting, their own message), or on a deleted answer, is not recorded", () => {
      conversation.given(delivered).when(customerReacts(3, '❤')).thenNothing();
      conversation.given(delivered, replyDeleted).when(customerReacts(7, '❤')).thenNothing();
    });

    it('a delivery recorded before answers were remembered still takes reactions (the reactor finds nowhere to put them)', () => {
      const old: ConversationEvent = {
        type: 'ReplyDelivered',
        data: { ...who, replyId: REPLY, relayedMessageId: 40, deliveredMessageId: 7, uploaded: [], answer: null },
      };
      const state = conversation.given(old).when(customerReacts(7, '👍')).thenState();
      expect(state.sync.copies.get(REPLY)?.answer).toBeNull();
    });
  });
});
