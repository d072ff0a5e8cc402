import { ConversationCommand, conversationDecider } from '../src/domain/conversation/conversation.decider';
import { ConversationEvent, conversationId, conversationStreamId } from '../src/domain/conversation/conversation.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(conversationDecider);

const who = { botId: 7000000001, customerId: 555, masterId: 1001 };
const sealedHello: Sealed = { keyId: 'conversation-7000000001-555', box: 'aXYxMnRhZzE2aGVsbG8=' };

const receive = (messageId: number): ConversationCommand => ({ type: 'ReceiveMessage', ...who, messageId, content: sealedHello });
const received = (messageId: number): ConversationEvent => ({
  type: 'CustomerMessageReceived',
  data: { ...who, messageId, kind: 'text', content: sealedHello },
});
const recordRelay = (messageId: number): ConversationCommand => ({ type: 'RecordRelay', ...who, messageId, relayedMessageId: 900 + messageId });
const relayed = (messageId: number): ConversationEvent => ({
  type: 'MessageRelayed',
  data: { ...who, messageId, relayedMessageId: 900 + messageId },
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
const recordDelivery = (replyId: string): ConversationCommand => ({
  type: 'RecordDelivery',
  ...who,
  replyId,
  relayedMessageId: 901,
  deliveredMessageId: 31,
});
const delivered = (replyId: string): ConversationEvent => ({
  type: 'ReplyDelivered',
  data: { ...who, replyId, relayedMessageId: 901, deliveredMessageId: 31 },
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

describe('Conversation decider', () => {
  it('one stream per customer of a bot', () => {
    expect(conversationId(7000000001, 555)).toBe('7000000001-555');
    expect(conversationStreamId(7000000001, 555)).toBe('conversation-7000000001-555');
  });

  describe('a customer writing to a client bot', () => {
    it('a customer who sends /start to a client bot is recorded as started', () => {
      spec.given().when({ type: 'CustomerStart', ...who }).then({ type: 'CustomerStarted', data: who });
    });

    it("a customer's message is received", () => {
      spec.given().when(receive(1)).then(received(1));
    });

    it('the same customer message delivered again by Telegram is received only once', () => {
      spec.given(received(1)).when(receive(1)).thenNothing();
    });

    it("a customer's next message is received as well", () => {
      spec.given(received(1)).when(receive(2)).then(received(2));
    });
  });

  describe('relaying to the master', () => {
    it('a relayed message is recorded with the copy it became in the master chat', () => {
      spec.given(received(1)).when(recordRelay(1)).then(relayed(1));
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

  it('every history starts from a fresh state (outcomes of one conversation never leak into the next)', () => {
    spec.given(received(1), relayed(1), delivered('1001:900'));
    spec.given().when(receive(1)).then(received(1));
    spec.given().when(recordRelay(1)).then(relayed(1));
    spec.given().when(recordDelivery('1001:900')).then(delivered('1001:900'));
  });
});
