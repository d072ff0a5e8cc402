import { join } from 'node:path';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { describeEventStoreContract } from './event-store.contract';
import { makeTempDir } from './support/temp-dir';

describeEventStoreContract('embedded SQLite (a real file)', async () => {
  const tmp = makeTempDir();
  const file = join(tmp.dir, 'events.sqlite');
  let current = new SqliteEventStore(file, 50);
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new SqliteEventStore(file, 50);
      return current;
    },
    cleanup: async () => {
      await current.close();
      tmp.remove();
    },
  };
});
