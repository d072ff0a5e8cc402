import { BotIdentity } from '../../application/ports/telegram.port';
import { AppConfig } from '../config/app-config';
import { NamespaceMismatchError, recordNamespace } from '../event-store/namespace-marker';
import { TelegrafGateway } from '../telegram/telegraf-gateway';
import { isTokenRejected } from '../telegram/telegram-failure';
import { DataDirLock, ensureWritableDataDir } from './data-dir';
import { ReadModelDatabaseLock } from './read-model-database-lock';
import { retryTelegram } from './retry-telegram';
import { StartupError } from './startup-error';

/**
 * EventStoreDB events and MySQL read models: several app processes may run on the same data, each
 * processor on one of them at a time (leases, see processing/leases). With either store embedded
 * (SQLite), one process per data, as the instance locks enforce.
 */
export const runsAsReplica = (config: Pick<AppConfig, 'eventStoreUrl' | 'databaseUrl'>): boolean =>
  Boolean(config.eventStoreUrl && config.databaseUrl);

/** The Preflight of the running app (its `release()` is called once the app has closed its stores). */
export const INSTANCE_LOCKS = Symbol('INSTANCE_LOCKS');

/** What the checks before start leave behind: the MasterBot's identity, and the locks to let go at the end. */
export interface Preflight {
  identity: BotIdentity;
  release(): Promise<void>;
}

/**
 * The checks an operator's settings must pass before anything is opened or any update is taken, each
 * failing with a StartupError that names the setting: DATA_DIR writable and not in use by another
 * process (replicas share it) and, on EventStoreDB, used with the namespace it was first used with
 * (EVENTSTORE_STREAM_PREFIX), the MySQL read-model database reachable, existing and not in use by a
 * single-instance process, and MASTER_BOT_TOKEN
 * accepted by Telegram (getMe; an unreachable Telegram is waited for, not a failure).
 */
export async function runPreflight(config: AppConfig): Promise<Preflight> {
  ensureWritableDataDir(config.dataDir);
  const replicas = runsAsReplica(config);
  const fileLock = DataDirLock.acquire(config.dataDir, replicas);
  let databaseLock: ReadModelDatabaseLock | undefined;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await databaseLock?.release();
    fileLock.release();
  };
  try {
    if (config.eventStoreUrl) recordEventStoreNamespace(config);
    if (replicas) await ReadModelDatabaseLock.checkForReplicas(config.databaseUrl!);
    else if (config.databaseUrl) databaseLock = await ReadModelDatabaseLock.acquire(config.databaseUrl);
    return { identity: await masterBotIdentity(config), release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The EventStoreDB namespace this DATA_DIR's installation uses: recorded at the first start, the same one required after. */
export function recordEventStoreNamespace(config: Pick<AppConfig, 'dataDir' | 'eventStoreStreamPrefix'>): void {
  try {
    recordNamespace(config.dataDir, config.eventStoreStreamPrefix);
  } catch (error) {
    if (error instanceof NamespaceMismatchError) throw new StartupError('EVENTSTORE_STREAM_PREFIX', error.problem);
    throw error;
  }
}

async function masterBotIdentity(config: AppConfig): Promise<BotIdentity> {
  const api = new TelegrafGateway(config.telegramApiRoot, undefined, config.telegramTimeoutMs).bot(config.masterBotToken.reveal());
  try {
    return await retryTelegram('getMe', () => api.getMe());
  } catch (error) {
    if (!isTokenRejected(error)) throw error;
    const hint = error.code === 404 ? ' (or TELEGRAM_API_ROOT is not a Bot API server)' : '';
    throw new StartupError(
      'MASTER_BOT_TOKEN',
      `Telegram rejects this token (${error.code} ${error.description})${hint}: copy the MasterBot's current token from @BotFather (/mybots → API Token)`,
    );
  }
}
