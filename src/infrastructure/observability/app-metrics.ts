import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; from a millisecond webhook hop to Telegram's 30 s waits. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds; an embedded append is sub-millisecond, an EventStoreDB one a few milliseconds. */
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Every metric of one app instance, in its own Registry (never prom-client's global one: tests run
 * several apps in one process, and two apps must not count into each other). Served by `/metrics`.
 * Labels are bounded: transports, bot kinds, Bot API method names, status codes, outcome reasons.
 */
export class AppMetrics {
  readonly registry = new Registry();

  readonly updatesReceived = new Counter({
    name: 'feedbackbots_updates_received_total',
    help: 'Telegram updates that reached the app, by transport (webhook, polling) and bot (master, client)',
    labelNames: ['transport', 'bot'] as const,
    registers: [this.registry],
  });
  readonly updatesRecorded = new Counter({
    name: 'feedbackbots_updates_recorded_total',
    help: 'Updates durably recorded (or judged duplicate/irrelevant) and confirmed to Telegram',
    labelNames: ['transport', 'bot'] as const,
    registers: [this.registry],
  });
  readonly updatesRejected = new Counter({
    name: 'feedbackbots_updates_rejected_total',
    help: 'Updates not recorded, by cause (wrong_secret, unknown_bot, malformed, too_large, not_recorded: Telegram retries)',
    labelNames: ['transport', 'bot', 'cause'] as const,
    registers: [this.registry],
  });
  readonly relays = new Counter({
    name: 'feedbackbots_relays_total',
    help: 'Customer messages relayed to their master, by outcome (relayed, or the recorded failure reason)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'feedbackbots_deliveries_total',
    help: 'Master replies delivered to customers, by outcome (delivered, or the recorded failure reason)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly syncOutcomes = new Counter({
    name: 'feedbackbots_sync_outcomes_total',
    help: "What became of answers' edits and deletions on the customer's copy, and of mirrored reactions, by action (edit, delete, reaction) and outcome (edited, deleted, or the recorded failure reason; reactions count failures only)",
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly telegramCalls = new Counter({
    name: 'feedbackbots_telegram_calls_total',
    help: 'Bot API calls by method and status (HTTP code from Telegram, or network_error); each 429 retry counts',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });
  readonly telegramPacedCalls = new Counter({
    name: 'feedbackbots_telegram_paced_messages_total',
    help: "Messages that waited for Telegram's flood limits before going out (a retry after a 429 counts again), by what held them: their chat's or group's limit, else the bot's",
    labelNames: ['waited_for'] as const,
    registers: [this.registry],
  });
  readonly intakeFirstWaits = new Counter({
    name: 'feedbackbots_intake_first_waits_total',
    help: 'Turns of background work (a read of the event pump, a reaction) that waited for a busy webhook intake (INTAKE_FIRST_AT)',
    registers: [this.registry],
  });
  readonly relayLatency = new Histogram({
    name: 'feedbackbots_relay_latency_seconds',
    help: 'From an update being recorded (ms after receipt) to its relay to the master succeeding',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly appendLatency = new Histogram({
    name: 'feedbackbots_event_store_append_seconds',
    help: 'Event store append latency, by result (ok, conflict, error)',
    labelNames: ['result'] as const,
    buckets: APPEND_BUCKETS,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // Process metrics (memory, CPU, event loop, GC) under their usual names, as dashboards expect.
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
