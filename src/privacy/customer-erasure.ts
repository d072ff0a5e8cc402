import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AggregateStore } from '../application/command-handling/aggregate-store';
import { ContentVault } from '../application/ports/crypto.port';
import { EventStore } from '../application/ports/event-store.port';
import { openEventStore } from '../app.module';
import { conversationDecider } from '../domain/conversation/conversation.decider';
import { conversationId, conversationStreamId } from '../domain/conversation/conversation.events';
import { CommandOrigin } from '../domain/shared/decider';
import { StorageConfig } from '../infrastructure/config/app-config';
import { loadMasterKey } from '../infrastructure/crypto/master-key';
import { SqliteContentVault } from '../infrastructure/crypto/sqlite-content-vault';
import { CustomerRow } from '../projections/customers/customer.entity';
import { openReadModels } from '../projections/read-model.datasource';

export interface ErasureTarget {
  customerId: number;
  /** Only the customer's conversation with this client bot; all of them when absent. */
  botId?: number;
}

export interface ErasureResult {
  /** Stream ids (`conversation-<botId>-<customerId>`) of the conversations erased. */
  conversations: string[];
  /** Keys deleted by this run (0 when a previous run already deleted them). */
  keysDeleted: number;
  /**
   * Conversations holding sealed content whose key is not in this vault and was never erased from it:
   * nothing was erased or recorded for them (the vault is not the app's, or was restored from elsewhere).
   */
  missingKeys: string[];
}

/** The vault as the erasure uses it: deleting keys, and knowing which ones it deleted before. */
export type ErasureVault = Pick<ContentVault, 'erase' | 'conversationKeysOf'> & {
  /** Whether this vault erased the key before (an earlier run, perhaps interrupted before recording it). */
  wasErased(conversationId: string): boolean;
};

export interface CustomerErasureDeps {
  store: EventStore;
  vault: ErasureVault;
  /** The read models: where to find conversations whose key is already gone. */
  readModels?: DataSource;
  now?: () => Date;
}

export class ErasureInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErasureInputError';
  }
}

/**
 * Crypto-shredding of one customer's content (`privacy erase`). Every sealed value in a conversation —
 * the customer's messages, edits and name, the master's replies — is sealed under that conversation's
 * key, so deleting the key erases them in every event and every copy, while the history of what
 * happened stays readable to auditors. Each erased conversation records `CustomerContentErased`.
 *
 * Order matters: the key is deleted first, then the erasure recorded. The running app forgets its
 * cached copy when it sees the event; recorded first, the app could re-read the key from the file
 * before the deletion and keep it. A run interrupted in between is completed by running it again.
 */
export class CustomerErasure {
  private readonly aggregates: AggregateStore;
  private readonly now: () => Date;

  constructor(private readonly deps: CustomerErasureDeps) {
    this.aggregates = new AggregateStore(deps.store);
    this.now = deps.now ?? (() => new Date());
  }

  /** The customer's conversations (stream ids) that have a key or a history: what `erase` would act on. */
  async conversationsOf(target: ErasureTarget): Promise<string[]> {
    return (await this.find(target)).map((c) => c.streamId);
  }

  async erase(target: ErasureTarget): Promise<ErasureResult> {
    const found = await this.find(target);
    const runId = randomUUID();
    const at = this.now().toISOString();
    // One id per run: the audit trail ties every conversation erased by it together.
    const origin: CommandOrigin = {
      causationId: `cli:privacy-erase:${runId}`,
      correlationId: `cli:privacy-erase:${runId}`,
      occurredAt: at,
    };
    let keysDeleted = 0;
    const missingKeys: string[] = [];
    for (const conversation of found) {
      const keyDeleted = this.deps.vault.erase(conversation.keyId);
      if (keyDeleted) keysDeleted += 1;
      const { recorded } = await this.aggregates.load(conversation.streamId, conversationDecider);
      if (recorded.length === 0) continue; // a key with no history yet (its message never got recorded): nothing to record
      // Sealed content, no key here, and neither a recorded erasure nor this vault's record of deleting it:
      // this vault never had the key. Recording an erasure would be a lie. (Deleted by a run interrupted
      // before it recorded the erasure: the vault remembers, and this run completes it.)
      const erasedBefore = recorded.some((e) => e.type === 'CustomerContentErased') || this.deps.vault.wasErased(conversation.keyId);
      if (!keyDeleted && !erasedBefore && recorded.some((e) => holdsSealed(e.data))) {
        missingKeys.push(conversation.streamId);
        continue;
      }
      const masterId = recorded[recorded.length - 1].data.masterId;
      await this.aggregates.handle(
        conversation.streamId,
        conversationDecider,
        { type: 'EraseCustomerContent', botId: conversation.botId, customerId: target.customerId, masterId, erasedAt: at, keyDeleted },
        origin,
      );
    }
    return { conversations: found.map((c) => c.streamId).filter((id) => !missingKeys.includes(id)), keysDeleted, missingKeys };
  }

  private async find(target: ErasureTarget): Promise<{ botId: number; keyId: string; streamId: string }[]> {
    const { customerId, botId } = validated(target);
    const bots = new Set<number>();
    for (const keyId of this.deps.vault.conversationKeysOf(customerId, botId)) bots.add(Number(keyId.split('-')[0]));
    // A key already deleted by an interrupted run: the customer's bots are still known from the history.
    if (botId !== undefined) bots.add(botId);
    else if (this.deps.readModels) {
      const rows = await this.deps.readModels.getRepository(CustomerRow).find({ where: { customerId }, select: { botId: true } });
      for (const row of rows) bots.add(row.botId);
    }
    const found = [];
    for (const bot of [...bots].sort((a, b) => a - b)) {
      const keyId = conversationId(bot, customerId);
      const streamId = conversationStreamId(bot, customerId);
      const hasKey = this.deps.vault.conversationKeysOf(customerId, bot).length > 0;
      if (hasKey || (await this.deps.store.readStream(streamId)).length > 0) found.push({ botId: bot, keyId, streamId });
    }
    return found;
  }
}

function validated(target: ErasureTarget): { customerId: number; botId?: number } {
  const id = (name: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
      throw new ErasureInputError(`${name} must be a positive Telegram id, got ${String(value)}`);
    return value;
  };
  return { customerId: id('customerId', target.customerId), ...(target.botId !== undefined ? { botId: id('botId', target.botId) } : {}) };
}

/**
 * The erasure as an operator's process runs it, beside the running app, from the storage settings
 * alone (EVENTSTORE_URL or DATA_DIR, DATABASE_URL, TOKEN_ENCRYPTION_KEY). `close()` releases everything.
 */
export async function openCustomerErasure(
  config: StorageConfig,
): Promise<{ service: CustomerErasure; vault: SqliteContentVault; vaultFile: string; close: () => Promise<void> }> {
  // A DATA_DIR that is not the app's would get a fresh, empty vault: every key "missing", nothing erased.
  const vaultFile = join(config.dataDir, 'content-keys.sqlite');
  if (!existsSync(vaultFile)) {
    throw new ErasureInputError(
      `no content-keys.sqlite in ${config.dataDir}: set DATA_DIR to the app's data directory (the keys live there, also with EVENTSTORE_URL)`,
    );
  }
  const store = await openEventStore(config);
  let readModels: DataSource | undefined;
  let vault: SqliteContentVault | undefined;
  try {
    readModels = await openReadModels(config);
    vault = new SqliteContentVault(vaultFile, masterKeyFor(config));
  } catch (error) {
    await Promise.allSettled([store.close(), readModels?.destroy()]);
    throw error;
  }
  const opened = { store, vault, readModels };
  return {
    service: new CustomerErasure(opened),
    vault,
    vaultFile,
    close: async () => {
      vault.close();
      await Promise.allSettled([store.close(), readModels.destroy()]);
    },
  };
}

/**
 * Deleting keys needs no master key; opening content does. Without a configured or stored one, a
 * throwaway key stands in — generating one into DATA_DIR here would be a side effect of an erasure.
 */
function masterKeyFor(config: StorageConfig): Buffer {
  if (config.tokenEncryptionKey || existsSync(join(config.dataDir, 'token-encryption.key')))
    return loadMasterKey(config.tokenEncryptionKey, config.dataDir);
  return randomBytes(32);
}

/** Does this event data carry a Sealed value (`{ keyId, box }`) anywhere? */
function holdsSealed(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (typeof (value as { box?: unknown }).box === 'string') return true;
  return Object.values(value as Record<string, unknown>).some(holdsSealed);
}
