import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent } from '../../src/application/ports/event-store.port';
import { schemaVersionOf } from '../../src/application/command-handling/upcasters';
import { masterStreamId } from '../../src/domain/master-user/master-user.events';
import { clientBotRegistryStreamId } from '../../src/domain/client-bot/client-bot-registry';
import { AesTokenCipher } from '../../src/infrastructure/crypto/token-cipher';
import { CreatedBot } from './telegram-bot-api.fake';

const metadata = (type: string) => {
  const correlationId = `seed:${randomUUID()}`;
  return { schemaVersion: schemaVersionOf(type), correlationId, causationId: correlationId, command: 'SubmitBotToken' };
};

/** Events per append: one append is one transaction, and a few hundred bots fit in a handful. */
const BATCH = 100;

/**
 * Records, straight into the event store, that `masterId` attached each of `bots` (tokens sealed with
 * `tokenKey`, as the app seals them) and claimed it in the bot's registry stream — what hundreds of /add conversations with the MasterBot would
 * have recorded, in a second instead of minutes. The master must already be registered (its stream
 * exists); the app should be stopped, so that on its next start it picks the bots up as attached.
 */
export async function recordAttachedBots(
  store: EventStore,
  tokenKey: string,
  masterId: number,
  bots: readonly CreatedBot[],
): Promise<void> {
  const cipher = new AesTokenCipher(Buffer.from(tokenKey, 'base64'));
  const streamId = masterStreamId(masterId);
  const existing = await store.readStream(streamId);
  if (existing.length === 0) throw new Error(`master ${masterId} is not registered`);
  let revision = existing[existing.length - 1].revision;
  for (let from = 0; from < bots.length; from += BATCH) {
    const batch = bots.slice(from, from + BATCH);
    await Promise.all(
      batch.map((bot) =>
        store.appendToStream(
          clientBotRegistryStreamId(bot.id),
          [
            {
              id: randomUUID(),
              type: 'ClientBotClaimed',
              data: { botId: bot.id, masterId, claimedAt: new Date().toISOString() },
              metadata: metadata('ClientBotClaimed'),
            },
          ],
          'no_stream',
        ),
      ),
    );
    const events: NewEvent[] = batch.map((bot, i) => ({
      id: randomUUID(),
      type: 'ClientBotAttached',
      data: { masterId, botId: bot.id, username: bot.username, encryptedToken: cipher.encrypt(bot.token), tokenMessageId: from + i + 1 },
      metadata: metadata('ClientBotAttached'),
    }));
    await store.appendToStream(streamId, events, revision);
    revision += events.length;
  }
}
