import { randomBytes } from 'node:crypto';
import { EventStoreDouble } from './eventstore-double';
import { createMysqlTestDb } from './mysql-test-db';

/**
 * Which storage engines the app under test runs on. The `e2e` jest project runs every end-to-end spec on
 * the embedded defaults (SQLite event store, SQLite read models); the `e2e-production` project runs the
 * same specs again on the production engines — EventStoreDB (the protocol-level double, or the real server
 * named by `EVENTSTORE_URL`) and MariaDB/MySQL read models — by setting `TEST_ENGINES=production`
 * (`test-engines.setup.ts`). The app harness and the spawned-process helpers ask `engineSettings()` for the
 * settings of each app they start, so a spec needs no change to run on both.
 */
export type TestEngines = 'embedded' | 'production';

export function testEngines(): TestEngines {
  return process.env.TEST_ENGINES === 'production' ? 'production' : 'embedded';
}

/** What `engineSettings` provisioned for one app: the settings to pass, and what undoes them. */
export interface EngineSettings {
  /**
   * `EVENTSTORE_URL` (with `EVENTSTORE_STREAM_PREFIX` on a real server) and `DATABASE_URL` on the production
   * engines; nothing on the embedded ones.
   */
  env: Record<string, string>;
  /** Stops the double and drops the database; safe to call twice. */
  release: () => Promise<void>;
}

/**
 * The storage settings for one app (one installation: kept across its restarts, released after its last
 * stop). On the production engines: a fresh MariaDB database (`test/support/mysql-test-db.ts`) and an
 * EventStoreDB — a double of its own, started in this jest worker (it outlives a SIGKILLed app process,
 * as a server would), or the real server of `EVENTSTORE_URL` when that is set in the test environment.
 * `keep` names settings the caller chose itself (e.g. a spec that brings its own `DATABASE_URL`): those
 * engines are not provisioned.
 *
 * On a real server every app gets a namespace of its own — a fresh random `EVENTSTORE_STREAM_PREFIX`,
 * kept across the app's restarts like the rest of its settings — so apps are isolated as with one double
 * each: an app reads neither the other specs' events nor earlier runs', although the Bot API fake numbers
 * its users from the same ids in every spec. `EVENTSTORE_STREAM_PREFIX` in the test environment starts
 * those prefixes (`<it>-<random>`), to tell a run's streams apart on the server; on the double it is given
 * to every app as it is, to run any spec in a namespace.
 *
 * WARNING: a namespace separates what apps read and write, not the server's load: every app's `$all`
 * scans cross the other apps' events, and the server keeps every run's streams (nothing is deleted).
 */
export async function engineSettings(keep: Record<string, string | undefined> = {}): Promise<EngineSettings> {
  if (testEngines() === 'embedded') return { env: {}, release: async () => undefined };
  const undo: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  try {
    if (!keep.EVENTSTORE_URL) {
      const realServer = process.env.EVENTSTORE_URL?.trim();
      const prefix = process.env.EVENTSTORE_STREAM_PREFIX?.trim();
      if (realServer) {
        env.EVENTSTORE_URL = realServer;
        env.EVENTSTORE_STREAM_PREFIX = `${prefix || 'e2e'}-${randomBytes(4).toString('hex')}`;
      } else {
        const double = await EventStoreDouble.start();
        undo.push(() => double.stop());
        env.EVENTSTORE_URL = double.url;
        if (prefix) env.EVENTSTORE_STREAM_PREFIX = prefix;
      }
    }
    if (!keep.DATABASE_URL) {
      const db = await createMysqlTestDb();
      undo.push(db.drop);
      env.DATABASE_URL = db.url;
    }
  } catch (error) {
    await releaseAll(undo);
    throw error;
  }
  let released = false;
  return {
    env,
    release: async () => {
      if (released) return;
      released = true;
      await releaseAll(undo);
    },
  };
}

async function releaseAll(undo: (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(undo.reverse().map((step) => step()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
