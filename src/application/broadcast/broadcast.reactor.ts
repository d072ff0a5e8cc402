import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { BroadcastCommand, broadcastDecider } from '../../domain/broadcast/broadcast.decider';
import { broadcastStreamId } from '../../domain/broadcast/broadcast.events';
import { BroadcastState, countOutcomes, nextRecipients, unsettled } from '../../domain/broadcast/broadcast.state';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { isMediaKind, MessageContent } from '../../domain/shared/message-content';
import { AggregateStore } from '../command-handling/aggregate-store';
import { ContentSender } from '../media/content-sender';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { isSettledFailure } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { BroadcastCopies, Broadcaster, copySource } from './broadcast-copies';
import { BROADCAST_RECIPIENTS, BroadcastRecipients } from './broadcast-recipients.port';
import { broadcastTexts } from './broadcast.texts';
import { SendPacer } from './send-pacer';

type Handled = MasterUserEventOf<'BroadcastRequested'>;
type Requested = Handled['data'];

/** Thrown between two batches when the app shuts down: the request stays unhandled and resumes after the restart. */
class BroadcastPausedError extends Error {
  constructor(broadcastId: string) {
    super(`broadcast ${broadcastId} paused for shutdown; it resumes after the restart`);
    this.name = 'BroadcastPausedError';
  }
}

/**
 * M10: sends a master's broadcast to every customer of the bot, paced within `broadcastRatePerSecond`,
 * and reports the counts. Everything is recorded on `broadcast-<id>` (see BroadcastEvent), and a re-run
 * continues from there: the plan is kept, settled customers are skipped, and customers attempted
 * without a recorded answer (the process was killed mid-batch) count as interrupted — never sent twice.
 * A graceful shutdown finishes the batch in flight and stops before the next, so it interrupts nobody.
 *
 * WARNING: `react` runs as long as the broadcast (10,000 customers at 25/s: about 7 minutes). The runner
 * waits for it before its next batch, so a broadcast requested meanwhile starts when this one ends
 * (unless both were in the same batch: different broadcasts run concurrently, sharing each bot's rate).
 * Relays and replies have their own reactors and are not held up.
 */
@Injectable()
export class BroadcastReactor implements Reactor<Handled>, OnModuleDestroy {
  readonly name = 'broadcast';
  readonly handles: TypesOf<Handled> = ['BroadcastRequested'];
  readonly longRunning = true;
  private readonly logger = new Logger('Broadcast');
  private readonly pacer: SendPacer;
  private readonly copies: BroadcastCopies;
  private stopping = false;

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly bots: BotApis,
    sender: ContentSender,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(BROADCAST_RECIPIENTS) private readonly recipients: BroadcastRecipients,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {
    this.pacer = new SendPacer(settings.broadcastRatePerSecond);
    this.copies = new BroadcastCopies(sender, aggregates);
  }

  onModuleDestroy(): void {
    this.stopping = true;
  }

  key(event: RecordedEvent<Handled>): string {
    return `broadcast:${event.data.broadcastId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    // The runner retries a paused request until it is stopped itself: do nothing (say nothing) meanwhile.
    if (this.stopping) throw new BroadcastPausedError(event.data.broadcastId);
    const request = event.data;
    const { broadcastId, masterId, botId, username } = request;
    const broadcaster: Broadcaster = { broadcastId, masterId, botId, correlationId: event.metadata.correlationId };
    const handle = async (command: BroadcastCommand, step: string): Promise<BroadcastState> => {
      const origin = {
        causationId: `${event.id}:${step}`,
        correlationId: event.metadata.correlationId,
        occurredAt: new Date().toISOString(),
      };
      return (await this.aggregates.handle(broadcastStreamId(broadcastId), broadcastDecider, command, origin)).state;
    };

    let state = await this.aggregates.current(broadcastStreamId(broadcastId), broadcastDecider);
    if (!state.ref) {
      const customerIds = await this.recipients.of(botId, masterId, event.position);
      state = await handle({ type: 'PlanBroadcast', broadcastId, masterId, botId, username, customerIds }, 'plan');
    }
    if (!state.completed) {
      // At-least-once: a restart before the first batch was recorded says it again.
      if (state.attempted.size === 0) await this.tellMaster(masterId, broadcastTexts.sending(state.planned.length, username));
      state = await this.sendAll(request, broadcaster, state, handle);
    }
    if (!state.reported) {
      const text =
        state.planned.length === 0
          ? broadcastTexts.nobodyToSendTo(username)
          : broadcastTexts.finished(username, countOutcomes(state), state.abandoned);
      await handle({ type: 'RecordReport', broadcastId, messageId: await this.tellMaster(masterId, text) }, 'report');
    }
  }

  private async sendAll(
    request: Requested,
    broadcaster: Broadcaster,
    from: BroadcastState,
    handle: (command: BroadcastCommand, step: string) => Promise<BroadcastState>,
  ): Promise<BroadcastState> {
    const { broadcastId, botId } = request;
    let state = from;
    const lost = unsettled(state);
    if (lost.length > 0) {
      this.logger.warn(`broadcast ${broadcastId}: ${lost.length} copies were in flight when the process stopped; not sending them again`);
      state = await handle({ type: 'MarkInterrupted', broadcastId }, `interrupted:${lost[0]}`);
      if (state.completed) return state;
    }
    const content = this.vault.open<{ content: MessageContent }>(request.content)?.content;
    if (!content) return handle({ type: 'Abandon', broadcastId, reason: 'content_erased' }, 'abandon');
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.broken === true)
      return handle({ type: 'Abandon', broadcastId, reason: 'client_bot_unavailable' }, 'abandon');

    let anyDelivered = [...state.outcomes.values()].includes('delivered');
    while (!state.completed) {
      if (this.stopping) throw new BroadcastPausedError(broadcastId);
      // A file goes to one customer first: that upload gives the client bot its own file id for everyone else.
      const firstUpload = isMediaKind(content.kind) && !state.upload && !anyDelivered;
      const batch = nextRecipients(state, firstUpload ? 1 : this.settings.broadcastRatePerSecond);
      if (batch.length === 0) throw new Error(`broadcast ${broadcastId} has nobody left to send to but is not complete`);
      state = await handle({ type: 'RecordAttempts', broadcastId, customerIds: batch }, `attempt:${batch[0]}`);
      const source = copySource(content, botId, state.upload);
      const outcomes = await Promise.all(
        batch.map(async (customerId) => {
          await this.pacer.take(botId);
          return this.copies.send(broadcaster, customerId, source.from, source.content);
        }),
      );
      const upload = outcomes.find((o) => o.upload)?.upload;
      state = await handle(
        { type: 'RecordResults', broadcastId, results: outcomes.map((o) => o.result), ...(upload ? { upload } : {}) },
        `results:${batch[0]}`,
      );
      anyDelivered ||= outcomes.some((o) => o.result.outcome === 'delivered');
      const stop = outcomes.find((o) => o.stop)?.stop;
      if (stop && !state.completed) state = await handle({ type: 'Abandon', broadcastId, reason: stop }, 'abandon');
    }
    return state;
  }

  /** The message id, or null when Telegram refused it (the master blocked the MasterBot): nothing to retry then. */
  private async tellMaster(masterId: number, text: string): Promise<number | null> {
    try {
      return (await this.bots.master().sendText(masterId, text)).messageId;
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`could not tell master ${masterId} about a broadcast: ${error.message}`);
      return null;
    }
  }
}
