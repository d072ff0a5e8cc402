import { ConversationCommand } from '../src/domain/conversation/conversation.commands';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { FLOOD_WINDOW_SECONDS } from '../src/domain/conversation/conversation.state';
import { ConversationEvent, conversationId, conversationStreamId } from '../src/domain/conversation/conversation.events';
import { MessageKind } from '../src/domain/shared/message-content';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(conversationDecider);

const who = { botId: 7000000001, customerId: 555, masterId: 1001 };
const sealedHello: Sealed = { keyId: 'conversation-7000000001-555', box: 'aXYxMnRhZzE2aGVsbG8=' };
const sealedEdit: Sealed = { keyId: 'conversation-7000000001-555', box: 'aXYxMnRhZzE2ZWRpdGVk' };
const sealedName: Sealed = { keyId: 'conversation-7000000001-555', box: 'aXYxMnRhZzE2Qm9i' };
/** The deployment's anti-flood limit (C5): messages per minute. */
const FLOOD_LIMIT = 20;
/** Telegram `date` of message 1 (unix seconds); message n is sent n - 1 seconds later unless told otherwise. */
const T0 = 1_800_000_000;
const at = (messageId: number) => T0 + messageId - 1;

type Extra = { sentAt?: number; kind?: MessageKind; mediaGroupId?: string; floodLimit?: number };

const receive = (
  messageId: number,
  { sentAt = at(messageId), kind = 'text', mediaGroupId, floodLimit = FLOOD_LIMIT }: Extra = {},
): ConversationCommand => ({
  type: 'ReceiveMessage',
  ...who,
  messageId,
  kind,
  sentAt,
  ...(mediaGroupId ? { mediaGroupId } : {}),
  content: sealedHello,
  floodLimit,
});
const received = (messageId: number, { sentAt = at(messageId), kind = 'text', mediaGroupId }: Extra = {}): ConversationEvent => ({
  type: 'CustomerMessageReceived',
  data: { ...who, messageId, kind, sentAt, ...(mediaGroupId ? { mediaGroupId } : {}), content: sealedHello },
});
const throttled = (messageId: number, until: number): ConversationEvent => ({
  type: 'CustomerThrottled',
  data: { ...who, messageId, until },
});
const dropped = (messageId: number): ConversationEvent => ({ type: 'MessageDropped', data: { ...who, messageId, reason: 'banned' } });
const recordRelay = (messageId: number): ConversationCommand => ({
  type: 'RecordRelay',
  ...who,
  messageId,
  relayedMessageId: 900 + messageId,
});
const relayed = (messageId: number): ConversationEvent => ({
  type: 'MessageRelayed',
  data: { ...who, messageId, relayedMessageId: 900 + messageId, extraMessageIds: [], uploaded: [] },
});
const recordRelayFailure = (messageId: number): ConversationCommand => ({
  type: 'RecordRelayFailure',
  ...who,
  messageId,
  reason: 'master blocked the MasterBot',
});
const relayFailed = (messageId: number): ConversationEvent => ({
  type: 'RelayFailed',
  data: { ...who, messageId, reason: 'master blocked the MasterBot' },
});
/** A reply to the relayed copy of customer message `toMessageId` (relayed as 900 + id). */
const recordDelivery = (replyId: string, toMessageId = 1): ConversationCommand => ({
  type: 'RecordDelivery',
  ...who,
  replyId,
  relayedMessageId: 900 + toMessageId,
  deliveredMessageId: 31,
});
const delivered = (replyId: string, toMessageId = 1): ConversationEvent => ({
  type: 'ReplyDelivered',
  data: { ...who, replyId, relayedMessageId: 900 + toMessageId, deliveredMessageId: 31, uploaded: [], answer: null },
});
const recordDeliveryFailure = (replyId: string): ConversationCommand => ({
  type: 'RecordDeliveryFailure',
  ...who,
  replyId,
  reason: 'customer blocked the bot',
});
const deliveryFailed = (replyId: string): ConversationEvent => ({
  type: 'ReplyDeliveryFailed',
  data: { ...who, replyId, reason: 'customer blocked the bot' },
});
const ban: ConversationCommand = { type: 'Ban', ...who, name: sealedName };
const banned: ConversationEvent = { type: 'CustomerBanned', data: { ...who, name: sealedName } };
const unban: ConversationCommand = { type: 'Unban', ...who };
const unbanned: ConversationEvent = { type: 'CustomerUnbanned', data: who };
const edit = (messageId: number, editedAt = at(messageId) + 30): ConversationCommand => ({
  type: 'EditMessage',
  ...who,
  messageId,
  editedAt,
  content: sealedEdit,
});
const edited = (messageId: number, editedAt = at(messageId) + 30): ConversationEvent => ({
  type: 'CustomerMessageEdited',
  data: { ...who, messageId, editedAt, content: sealedEdit },
});
const recordEditRelay = (messageId: number, editedAt = at(messageId) + 30): ConversationCommand => ({
  type: 'RecordEditRelay',
  ...who,
  messageId,
  editedAt,
  noticeMessageId: 950,
});
const editRelayed = (messageId: number, editedAt = at(messageId) + 30): ConversationEvent => ({
  type: 'EditRelayed',
  data: { ...who, messageId, editedAt, noticeMessageId: 950 },
});
const blockedBot = (blocked: boolean): ConversationCommand => ({ type: 'RecordBlocked', ...who, blocked });
const remind = (messageId: number): ConversationCommand => ({ type: 'IssueReminder', ...who, messageId });
const reminded = (messageId: number): ConversationEvent => ({
  type: 'ReminderIssued',
  data: { ...who, messageId, relayedMessageId: 900 + messageId },
});

const ERASED_AT = '2026-11-21T12:00:00.000Z';
const erase = (keyDeleted = true): ConversationCommand => ({ type: 'EraseCustomerContent', ...who, erasedAt: ERASED_AT, keyDeleted });
const erased: ConversationEvent = { type: 'CustomerContentErased', data: { ...who, erasedAt: ERASED_AT, files: [] } };
const photo = { botId: 5000, fileUniqueId: 'AQADphoto', fileId: 'AgACphoto-master' };
const relayedPhoto = (messageId: number): ConversationEvent => ({
  type: 'MessageRelayed',
  data: { ...who, messageId, relayedMessageId: 900 + messageId, extraMessageIds: [], uploaded: [photo] },
});

/** Messages 1..n received, one per second. */
const receivedInARow = (n: number): ConversationEvent[] => Array.from({ length: n }, (_, i) => received(i + 1));

describe('Conversation decider', () => {
  it('one stream per customer of a bot', () => {
    expect(conversationId(7000000001, 555)).toBe('7000000001-555');
    expect(conversationStreamId(7000000001, 555)).toBe('conversation-7000000001-555');
  });

  it("the fold knows where in the stream each customer message and each ban is (read alone later: an edit's original, a ban's name)", () => {
    const history = [received(1), relayed(1), received(2), banned, unbanned, editRelayed(1), received(3), banned];
    const state = history.reduce((folded, event) => conversationDecider.evolve(folded, event), conversationDecider.initialState());
    expect(state.folded).toBe(history.length);
    expect([...state.received]).toEqual([
      [1, 0],
      [2, 2],
      [3, 6],
    ]);
    expect(state.lastReceived).toBe(6);
    expect(state.bans).toEqual([3, 7]);
    expect(conversationDecider.initialState()).toMatchObject({ folded: 0, lastReceived: -1, bans: [] });
  });

  describe('a customer writing to a client bot', () => {
    it('a customer who sends /start to a client bot is recorded as started', () => {
      spec
        .given()
        .when({ type: 'CustomerStart', ...who })
        .then({ type: 'CustomerStarted', data: who });
    });

    it("a customer's message is received, with when Telegram says it was sent", () => {
      spec.given().when(receive(1)).then(received(1));
    });

    it('the same customer message delivered again by Telegram is received only once', () => {
      spec.given(received(1)).when(receive(1)).thenNothing();
    });

    it("a customer's next message is received as well", () => {
      spec.given(received(1)).when(receive(2)).then(received(2));
    });

    it.each<MessageKind>(['photo', 'voice', 'document', 'sticker', 'location', 'contact'])(
      'a customer’s %s is received as such',
      (kind) => {
        spec.given().when(receive(1, { kind })).then(received(1, { kind }));
      },
    );

    it('the photos of an album are received as one album', () => {
      spec
        .given(received(1, { kind: 'photo', mediaGroupId: 'album-1' }))
        .when(receive(2, { kind: 'photo', mediaGroupId: 'album-1' }))
        .then(received(2, { kind: 'photo', mediaGroupId: 'album-1' }));
    });
  });

  describe('anti-flood (C5)', () => {
    const end = (throttledAt: number) => throttledAt + FLOOD_WINDOW_SECONDS;

    it('20 messages within a minute all pass', () => {
      spec
        .given(...receivedInARow(19))
        .when(receive(20))
        .then(received(20));
      spec
        .given(...receivedInARow(19).map((_, i) => received(i + 1, { sentAt: T0 })))
        .when(receive(20, { sentAt: T0 }))
        .then(received(20, { sentAt: T0 }));
    });

    it('the 21st message within a minute throttles the customer once, for a minute', () => {
      spec
        .given(...receivedInARow(20))
        .when(receive(21))
        .then(throttled(21, end(at(21))));
    });

    it('the 22nd message within a minute is silently not recorded', () => {
      spec
        .given(...receivedInARow(20), throttled(21, end(at(21))))
        .when(receive(22))
        .thenNothing();
    });

    it('a throttled customer stays silent until the last second of the pause', () => {
      spec
        .given(...receivedInARow(20), throttled(21, end(at(21))))
        .when(receive(23, { sentAt: end(at(21)) - 1 }))
        .thenNothing();
    });

    it('after the pause, messages flow again', () => {
      spec
        .given(...receivedInARow(20), throttled(21, end(at(21))))
        .when(receive(23, { sentAt: end(at(21)) }))
        .then(received(23, { sentAt: end(at(21)) }));
    });

    it('the throttled message delivered again by Telegram changes nothing (no second notice)', () => {
      spec
        .given(...receivedInARow(20), throttled(21, end(at(21))))
        .when(receive(21))
        .thenNothing();
    });

    it('a customer writing steadily but less than 20 a minute is never throttled', () => {
      // 20 messages, 3 seconds apart: the 21st arrives 60 s after the first, which has left the window.
      const steady = Array.from({ length: 20 }, (_, i) => received(i + 1, { sentAt: T0 + 3 * i }));
      spec
        .given(...steady)
        .when(receive(21, { sentAt: T0 + 60 }))
        .then(received(21, { sentAt: T0 + 60 }));
    });

    it('a message a second short of a minute after the first of 20 still throttles', () => {
      const steady = Array.from({ length: 20 }, (_, i) => received(i + 1, { sentAt: T0 + 3 * i }));
      spec
        .given(...steady)
        .when(receive(21, { sentAt: T0 + 59 }))
        .then(throttled(21, T0 + 59 + FLOOD_WINDOW_SECONDS));
    });

    it('the limit is the deployment’s: with 5 a minute, the 6th message throttles', () => {
      spec
        .given(...receivedInARow(5))
        .when(receive(6, { floodLimit: 5 }))
        .then(throttled(6, end(at(6))));
    });

    it('the window is measured in Telegram’s send time, so a backlog delivered late decides the same', () => {
      // Messages sent an hour apart but delivered in one burst are not a flood.
      const hourly = Array.from({ length: 20 }, (_, i) => received(i + 1, { sentAt: T0 + 3600 * i }));
      spec
        .given(...hourly)
        .when(receive(21, { sentAt: T0 + 3600 * 20 }))
        .then(received(21, { sentAt: T0 + 3600 * 20 }));
    });

    it('after a pause, a second flood throttles again', () => {
      const resumeAt = end(at(21));
      const secondBurst = Array.from({ length: 20 }, (_, i) => received(100 + i, { sentAt: resumeAt }));
      spec
        .given(...receivedInARow(20), throttled(21, resumeAt), ...secondBurst)
        .when(receive(200, { sentAt: resumeAt + 1 }))
        .then(throttled(200, resumeAt + 1 + FLOOD_WINDOW_SECONDS));
    });
  });

  describe('bans', () => {
    it('a customer the master bans is recorded as banned, with the name /banned shows', () => {
      spec.given(received(1)).when(ban).then(banned);
    });

    it('a customer banned twice is banned once', () => {
      spec.given(received(1), banned).when(ban).thenNothing();
    });

    it("a banned customer's message is dropped, not received (so never relayed)", () => {
      spec.given(received(1), banned).when(receive(2)).then(dropped(2));
    });

    it("a banned customer's message delivered twice by Telegram is dropped once", () => {
      spec.given(received(1), banned).when(receive(2)).then(dropped(2));
      spec.given(received(1), banned, dropped(2)).when(receive(2)).thenNothing();
    });

    it("a banned customer's message dropped once stays dropped when Telegram delivers it again after the unban", () => {
      spec.given(received(1), banned, dropped(2), unbanned).when(receive(2)).thenNothing();
    });

    it('an edit of a message dropped while the customer was banned is ignored after the unban', () => {
      spec.given(received(1), banned, dropped(2), unbanned).when(edit(2)).thenNothing();
    });

    it("a banned customer's edits are not passed on", () => {
      spec.given(received(1), banned).when(edit(1)).thenNothing();
    });

    it('a banned customer cannot flood: every message is just dropped', () => {
      spec
        .given(...receivedInARow(20), banned)
        .when(receive(21))
        .then(dropped(21));
    });

    it('a banned customer who is unbanned is recorded as unbanned', () => {
      spec.given(received(1), banned).when(unban).then(unbanned);
    });

    it("an unbanned customer's messages are received again", () => {
      spec.given(received(1), banned, dropped(2), unbanned).when(receive(3)).then(received(3));
    });

    it('unbanning a customer who is not banned changes nothing', () => {
      spec.given(received(1)).when(unban).thenNothing();
      spec.given(received(1), banned, unbanned).when(unban).thenNothing();
    });

    it('a customer can be banned again after an unban', () => {
      spec.given(received(1), banned, unbanned).when(ban).then(banned);
    });
  });

  describe('edits', () => {
    it('an edit of a received message is recorded for the master', () => {
      spec.given(received(1)).when(edit(1)).then(edited(1));
    });

    it('an edit of a message never received (sent before the bot was attached, or throttled) is ignored', () => {
      spec.given(received(1)).when(edit(7)).thenNothing();
      spec
        .given(...receivedInARow(20), throttled(21, at(21) + 60))
        .when(edit(21))
        .thenNothing();
    });

    it('the same edit delivered twice by Telegram is recorded once', () => {
      spec.given(received(1)).when(edit(1)).then(edited(1));
      spec.given(received(1), edited(1)).when(edit(1)).thenNothing();
    });

    it('the same edit delivered again after its notice was sent is not recorded again', () => {
      spec.given(received(1), edited(1), editRelayed(1)).when(edit(1)).thenNothing();
    });

    it('a later edit of the same message is recorded even after the first one was', () => {
      spec
        .given(received(1), edited(1, at(1) + 30))
        .when(edit(1, at(1) + 90))
        .then(edited(1, at(1) + 90));
    });

    it('the edit notice sent to the master is recorded', () => {
      spec.given(received(1), edited(1)).when(recordEditRelay(1)).then(editRelayed(1));
    });

    it('an edit notice recorded again after a crash changes nothing', () => {
      spec.given(received(1), edited(1), editRelayed(1)).when(recordEditRelay(1)).thenNothing();
    });

    it('a second edit of the same message gets its own notice', () => {
      spec
        .given(received(1), edited(1, at(1) + 30), editRelayed(1, at(1) + 30), edited(1, at(1) + 90))
        .when(recordEditRelay(1, at(1) + 90))
        .then(editRelayed(1, at(1) + 90));
    });
  });

  describe('relaying to the master', () => {
    it('a relayed message is recorded with the copy it became in the master chat', () => {
      spec.given(received(1)).when(recordRelay(1)).then(relayed(1));
    });

    it('a relay that took several messages in the master chat records them all, and the uploads made', () => {
      const uploaded = [{ botId: 8000000000, fileUniqueId: 'AgAD-photo', fileId: 'master-file-id' }];
      spec
        .given(received(1))
        .when({ ...recordRelay(1), extraMessageIds: [902, 903], uploaded } as ConversationCommand)
        .then({ type: 'MessageRelayed', data: { ...who, messageId: 1, relayedMessageId: 901, extraMessageIds: [902, 903], uploaded } });
    });

    it('a failed relay is recorded with its reason', () => {
      spec.given(received(1)).when(recordRelayFailure(1)).then(relayFailed(1));
    });

    it('a relay recorded again after a crash changes nothing', () => {
      spec.given(received(1), relayed(1)).when(recordRelay(1)).thenNothing();
    });

    it('a relay that already succeeded is not recorded as failed afterwards', () => {
      spec.given(received(1), relayed(1)).when(recordRelayFailure(1)).thenNothing();
    });

    it('a relay that already failed is not recorded again, either way', () => {
      spec.given(received(1), relayFailed(1)).when(recordRelay(1)).thenNothing();
      spec.given(received(1), relayFailed(1)).when(recordRelayFailure(1)).thenNothing();
    });

    it("one message's relay outcome does not hide another message's", () => {
      spec.given(received(1), received(2), relayed(1)).when(recordRelay(2)).then(relayed(2));
    });
  });

  describe("delivering the master's reply to the customer", () => {
    it('a delivered reply is recorded with the message it became in the customer chat', () => {
      spec.given(received(1), relayed(1)).when(recordDelivery('1001:900')).then(delivered('1001:900'));
    });

    it('a failed delivery is recorded with its reason', () => {
      spec.given(received(1), relayed(1)).when(recordDeliveryFailure('1001:900')).then(deliveryFailed('1001:900'));
    });

    it('a delivery recorded again after a crash changes nothing', () => {
      spec.given(delivered('1001:900')).when(recordDelivery('1001:900')).thenNothing();
      spec.given(delivered('1001:900')).when(recordDeliveryFailure('1001:900')).thenNothing();
    });

    it('a delivery that already failed is not recorded again, either way', () => {
      spec.given(deliveryFailed('1001:900')).when(recordDelivery('1001:900')).thenNothing();
      spec.given(deliveryFailed('1001:900')).when(recordDeliveryFailure('1001:900')).thenNothing();
    });

    it("one reply's delivery outcome does not hide another reply's", () => {
      spec.given(delivered('1001:900')).when(recordDelivery('1001:901')).then(delivered('1001:901'));
    });
  });

  describe('reminders (M11)', () => {
    it('a relayed message left unanswered gets a reminder', () => {
      spec.given(received(1), relayed(1)).when(remind(1)).then(reminded(1));
    });

    it('a message gets only one reminder', () => {
      spec.given(received(1), relayed(1), reminded(1)).when(remind(1)).thenNothing();
    });

    it('an answered message gets no reminder', () => {
      spec.given(received(1), relayed(1), delivered('1001:900', 1)).when(remind(1)).thenNothing();
    });

    it('an answer to another message does not silence the reminder for this one', () => {
      spec.given(received(1), relayed(1), received(2), relayed(2), delivered('1001:900', 2)).when(remind(1)).then(reminded(1));
    });

    it('a reply that failed to reach the customer does not count as an answer', () => {
      spec.given(received(1), relayed(1), deliveryFailed('1001:900')).when(remind(1)).then(reminded(1));
    });

    it('a message relayed into the owner’s own chat gets its reminder there, once, until any reply is delivered (M14)', () => {
      const inOwnChat = (messageId: number): ConversationEvent => ({
        type: 'RelayedToOwnChat',
        data: { ...who, messageId, relayedMessageId: 40 + messageId, threadId: 7 },
      });
      const remindedThere: ConversationEvent = {
        type: 'ReminderIssued',
        data: { ...who, messageId: 1, relayedMessageId: 41, inOwnChat: { threadId: 7 } },
      };
      spec.given(received(1), inOwnChat(1)).when(remind(1)).then(remindedThere);
      spec.given(received(1), inOwnChat(1), remindedThere).when(remind(1)).thenNothing();
      // Answers there name no copy (written in the topic): any reply delivered since the relay answers it.
      spec.given(received(1), inOwnChat(1), delivered('1001:900', 0)).when(remind(1)).thenNothing();
      spec.given(received(1), delivered('1001:900', 0), inOwnChat(1)).when(remind(1)).then(remindedThere);
    });

    it('a message the master never saw (relay failed, or not relayed yet) gets no reminder', () => {
      spec.given(received(1), relayFailed(1)).when(remind(1)).thenNothing();
      spec.given(received(1)).when(remind(1)).thenNothing();
      spec.given().when(remind(1)).thenNothing();
    });
  });

  describe("erasing a customer's content (privacy erase)", () => {
    it('an erasure is recorded in the conversation, with when it happened', () => {
      spec.given(received(1), relayed(1), delivered('1001:900')).when(erase()).then(erased);
    });

    it('running the erasure again when it already completed records nothing more', () => {
      spec.given(received(1), erased).when(erase(false)).thenNothing();
    });

    it('an erasure interrupted after deleting the key is recorded when run again', () => {
      // The key went first (so the app cannot re-cache it), then the process died before recording.
      spec.given(received(1), relayed(1)).when(erase(false)).then(erased);
    });

    it('a second erasure after the customer wrote again is recorded again', () => {
      spec.given(received(1), erased, received(2)).when(erase()).then(erased);
    });

    it('a key deleted again right after an erasure (a reply sealed meanwhile) is recorded again', () => {
      spec.given(received(1), erased).when(erase(true)).then(erased);
    });

    it('names the files uploaded for the conversation, so the upload cache forgets them (once)', () => {
      const files = [{ botId: photo.botId, fileUniqueId: photo.fileUniqueId }];
      spec
        .given(received(1), relayedPhoto(1), received(2), relayedPhoto(2))
        .when(erase())
        .then({ type: 'CustomerContentErased', data: { ...who, erasedAt: ERASED_AT, files } });
      spec.given(received(1), relayedPhoto(1), erased, received(2), relayed(2)).when(erase()).then(erased);
    });

    it('a customer who sends /start after a photo is still erased with that photo, so the upload cache forgets it', () => {
      const files = [{ botId: photo.botId, fileUniqueId: photo.fileUniqueId }];
      const started: ConversationEvent = { type: 'CustomerStarted', data: { ...who } };
      spec
        .given(received(1), relayedPhoto(1), started)
        .when(erase())
        .then({ type: 'CustomerContentErased', data: { ...who, erasedAt: ERASED_AT, files } });
    });

    it('a customer whose content was erased can write again, and is relayed as before', () => {
      spec.given(received(1), relayed(1), erased).when(receive(2)).then(received(2));
      spec.given(received(1), relayed(1), erased, received(2)).when(recordRelay(2)).then(relayed(2));
    });

    it('an erasure changes nothing else: a ban stays, outcomes stay recorded', () => {
      spec.given(received(1), relayed(1), banned, erased).when(receive(2)).then(dropped(2));
      spec.given(received(1), relayed(1), erased).when(recordRelay(1)).thenNothing();
      spec.given(received(1), relayed(1), delivered('1001:900'), erased).when(remind(1)).thenNothing();
    });
  });

  describe('a customer blocking the bot', () => {
    it('a customer who blocks the bot is recorded as having blocked it', () => {
      spec.given(received(1)).when(blockedBot(true)).then({ type: 'CustomerBlockedBot', data: who });
    });

    it('a block reported twice is recorded once', () => {
      spec.given(received(1), { type: 'CustomerBlockedBot', data: who }).when(blockedBot(true)).thenNothing();
    });

    it('a customer who unblocks the bot is recorded as having unblocked it', () => {
      spec
        .given(received(1), { type: 'CustomerBlockedBot', data: who })
        .when(blockedBot(false))
        .then({ type: 'CustomerUnblockedBot', data: who });
    });

    it('an unblock from a customer who never blocked the bot changes nothing', () => {
      spec.given(received(1)).when(blockedBot(false)).thenNothing();
    });
  });

  it('every history starts from a fresh state (outcomes of one conversation never leak into the next)', () => {
    spec.given(...receivedInARow(20), throttled(21, at(21) + 60), relayed(1), delivered('1001:900'), banned, {
      type: 'CustomerBlockedBot',
      data: who,
    });
    spec.given().when(receive(1)).then(received(1));
    spec.given().when(recordRelay(1)).then(relayed(1));
    spec.given().when(recordDelivery('1001:900')).then(delivered('1001:900'));
    spec.given().when(receive(22)).then(received(22));
    spec.given().when(blockedBot(true)).then({ type: 'CustomerBlockedBot', data: who });
  });
});
