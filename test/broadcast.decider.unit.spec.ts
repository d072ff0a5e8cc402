import { BroadcastCommand, broadcastDecider, BroadcastRuleError } from '../src/domain/broadcast/broadcast.decider';
import { BroadcastEvent, DeliveryResult, PLAN_PART_SIZE } from '../src/domain/broadcast/broadcast.events';
import { countOutcomes, nextRecipients, unsettled } from '../src/domain/broadcast/broadcast.state';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(broadcastDecider);

const broadcastId = 'b-1';
const ref = { broadcastId, masterId: 1001, botId: 7000000001 };
const bot = { ...ref, username: 'shop_bot' };

const planFor = (customerIds: number[]): BroadcastCommand => ({ type: 'PlanBroadcast', ...bot, customerIds });
const planned = (customerIds: number[]): BroadcastEvent[] => [
  { type: 'BroadcastPlanned', data: { ...bot, recipientCount: customerIds.length, parts: 1 } },
  { type: 'BroadcastRecipientsPlanned', data: { broadcastId, part: 0, customerIds } },
];
const attempt = (...customerIds: number[]): BroadcastCommand => ({ type: 'RecordAttempts', broadcastId, customerIds });
const attempted = (...customerIds: number[]): BroadcastEvent => ({ type: 'BroadcastBatchAttempted', data: { broadcastId, customerIds } });
const delivered = (customerId: number): DeliveryResult => ({ customerId, outcome: 'delivered' });
const blocked = (customerId: number): DeliveryResult => ({ customerId, outcome: 'blocked' });
const failed = (customerId: number): DeliveryResult => ({ customerId, outcome: 'failed', reason: 'telegram_400' });
const record = (...results: DeliveryResult[]): BroadcastCommand => ({ type: 'RecordResults', broadcastId, results });
const interrupted = (...customerIds: number[]): BroadcastEvent => ({
  type: 'BroadcastDeliveriesInterrupted',
  data: { broadcastId, customerIds },
});
const markInterrupted: BroadcastCommand = { type: 'MarkInterrupted', broadcastId };
const abandon: BroadcastCommand = { type: 'Abandon', broadcastId, reason: 'token_revoked' };
const report = (messageId: number): BroadcastCommand => ({ type: 'RecordReport', broadcastId, messageId });
const reported = (messageId: number): BroadcastEvent => ({ type: 'BroadcastReported', data: { broadcastId, masterId: 1001, messageId } });
const settled = (...results: DeliveryResult[]): BroadcastEvent => ({ type: 'BroadcastBatchSettled', data: { broadcastId, results } });
type Counts = { delivered?: number; blocked?: number; failed?: number; interrupted?: number };
const completed = (counts: Counts, abandoned: 'token_revoked' | null = null): BroadcastEvent => ({
  type: 'BroadcastCompleted',
  data: { ...bot, delivered: 0, blocked: 0, failed: 0, interrupted: 0, ...counts, abandoned },
});

describe('a broadcast', () => {
  describe('plans its recipients once', () => {
    it('records the customers in plan order', () => {
      spec
        .given()
        .when(planFor([1, 2, 3]))
        .then(...planned([1, 2, 3]));
    });

    it('a second plan (the reactor re-run after a restart) changes nothing', () => {
      spec
        .given(...planned([1, 2]))
        .when(planFor([1, 2, 3]))
        .thenNothing();
    });

    it(`splits a big audience into parts of at most ${PLAN_PART_SIZE} ids`, () => {
      const ids = Array.from({ length: 2500 }, (_, i) => i + 1);
      const events = broadcastDecider.decide(planFor(ids), broadcastDecider.initialState());
      const parts = events.flatMap((e) => (e.type === 'BroadcastRecipientsPlanned' ? [e.data.customerIds.length] : []));
      expect(parts).toEqual([1000, 1000, 500]);
      expect(spec.given().when(planFor(ids)).thenState().planned).toEqual(ids);
    });

    it('a bot without customers completes at once with nothing sent', () => {
      spec
        .given()
        .when(planFor([]))
        .then({ type: 'BroadcastPlanned', data: { ...bot, recipientCount: 0, parts: 0 } }, completed({}));
    });
  });

  describe('attempts each customer at most once', () => {
    it('records a batch before it is sent', () => {
      spec
        .given(...planned([1, 2, 3]))
        .when(attempt(1, 2))
        .then(attempted(1, 2));
    });

    it('leaves out customers already attempted', () => {
      spec
        .given(...planned([1, 2, 3]), attempted(1, 2))
        .when(attempt(2, 3))
        .then(attempted(3));
    });

    it('hands out the next customers in plan order, skipping the attempted ones', () => {
      const { state } = spec.given(...planned([1, 2, 3, 4]), attempted(1, 2));
      expect(nextRecipients(state, 10)).toEqual([3, 4]);
      expect(nextRecipients(state, 1)).toEqual([3]);
    });

    it('refuses a customer who is not a recipient', () => {
      spec
        .given(...planned([1, 2]))
        .when(attempt(9))
        .thenThrows(BroadcastRuleError);
    });

    it('refuses attempts before a plan', () => {
      spec.given().when(attempt(1)).thenThrows(BroadcastRuleError);
    });
  });

  describe('records what Telegram answered', () => {
    it('settles a batch', () => {
      spec
        .given(...planned([1, 2, 3]), attempted(1, 2))
        .when(record(delivered(1), blocked(2)))
        .then(settled(delivered(1), blocked(2)));
    });

    it('keeps the first answer for a customer', () => {
      spec
        .given(...planned([1, 2, 3]), attempted(1, 2), settled(delivered(1)))
        .when(record(failed(1), delivered(2)))
        .then(settled(delivered(2)));
    });

    it('refuses an answer for a customer never attempted', () => {
      spec
        .given(...planned([1, 2]))
        .when(record(delivered(1)))
        .thenThrows(BroadcastRuleError);
    });

    it('remembers the client bot’s file id after the first upload', () => {
      const upload = { fileUniqueId: 'AQADuniq', fileId: 'client-file-1' };
      const state = spec
        .given(...planned([1, 2]), attempted(1))
        .when({ type: 'RecordResults', broadcastId, results: [delivered(1)], upload })
        .thenState();
      expect(state.upload).toEqual(upload);
    });

    it('completes with the counts when the last customer is settled', () => {
      spec
        .given(...planned([1, 2, 3]), attempted(1, 2), settled(delivered(1), blocked(2)), attempted(3))
        .when(record(failed(3)))
        .then(settled(failed(3)), completed({ delivered: 1, blocked: 1, failed: 1 }));
    });
  });

  describe('after a restart midway', () => {
    const history = [...planned([1, 2, 3, 4]), attempted(1, 2), settled(delivered(1), delivered(2)), attempted(3)];

    it('counts the customers attempted without an answer as interrupted, and does not send to them again', () => {
      const state = spec
        .given(...history)
        .when(markInterrupted)
        .thenState();
      expect(state.outcomes.get(3)).toBe('interrupted');
      expect(unsettled(state)).toEqual([]);
      expect(nextRecipients(state, 10)).toEqual([4]);
    });

    it('records the interruption once', () => {
      spec
        .given(...history, interrupted(3))
        .when(markInterrupted)
        .thenNothing();
    });

    it('completes if the interrupted customers were the last ones', () => {
      spec
        .given(...planned([1, 2]), attempted(1, 2), settled(delivered(1)))
        .when(markInterrupted)
        .then(interrupted(2), completed({ delivered: 1, interrupted: 1 }));
    });
  });

  describe('when nobody else can be sent the message', () => {
    it('is abandoned and completes, the customers never attempted counted as failed', () => {
      spec
        .given(...planned([1, 2, 3, 4]), attempted(1, 2), settled(delivered(1), failed(2)))
        .when(abandon)
        .then(
          { type: 'BroadcastAbandoned', data: { broadcastId, reason: 'token_revoked', unattempted: 2 } },
          completed({ delivered: 1, failed: 3 }, 'token_revoked'),
        );
    });

    it('stops handing out recipients', () => {
      const state = spec
        .given(...planned([1, 2]))
        .when(abandon)
        .thenState();
      expect(nextRecipients(state, 10)).toEqual([]);
      expect(countOutcomes(state)).toEqual({ delivered: 0, blocked: 0, failed: 2, interrupted: 0 });
    });
  });

  describe('once completed', () => {
    const done = [...planned([1]), attempted(1), settled(delivered(1)), completed({ delivered: 1 })];

    it('ignores late answers', () => {
      spec
        .given(...done)
        .when(record(failed(1)))
        .thenNothing();
    });

    it('records the report to the master once', () => {
      spec
        .given(...done)
        .when(report(77))
        .then(reported(77));
      spec
        .given(...done, reported(77))
        .when(report(78))
        .thenNothing();
    });

    it('cannot be reported before it completes', () => {
      spec
        .given(...planned([1]))
        .when(report(77))
        .thenThrows(BroadcastRuleError);
    });
  });
});
