import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '../src/app.module';
import { loadStorageConfig } from '../src/infrastructure/config/app-config';
import { NamespaceMismatchError } from '../src/infrastructure/event-store/namespace-marker';
import { recordEventStoreNamespace } from '../src/infrastructure/startup/preflight';
import { StartupError } from '../src/infrastructure/startup/startup-error';
import { openCustomerErasure } from '../src/privacy/customer-erasure';
import { EventStoreDouble } from './support/eventstore-double';
import { makeTempDir } from './support/temp-dir';

/**
 * A process on the right EventStoreDB server but in the wrong namespace (EVENTSTORE_STREAM_PREFIX) sees an
 * empty or foreign history without a word: the erasure would erase nothing, audit verify would check another
 * installation. So the app records its namespace in DATA_DIR at its first start, and whoever opens the event
 * store with that DATA_DIR — the app again, the CLI, the erasure — must use the same one.
 */
describe('the EventStoreDB namespace an installation recorded in its DATA_DIR', () => {
  let double: EventStoreDouble;
  let dataDir: { dir: string; remove: () => void };
  const storage = (prefix?: string) =>
    loadStorageConfig({ EVENTSTORE_URL: double.url, DATA_DIR: dataDir.dir, ...(prefix ? { EVENTSTORE_STREAM_PREFIX: prefix } : {}) });

  beforeAll(async () => {
    double = await EventStoreDouble.start();
  });
  afterAll(async () => {
    await double.stop();
  });
  beforeEach(() => {
    dataDir = makeTempDir();
  });
  afterEach(() => dataDir.remove());

  it('lets the app start again in the namespace it first started in, and refuses it another, naming the setting', () => {
    recordEventStoreNamespace({ dataDir: dataDir.dir, eventStoreStreamPrefix: 'shop' });
    expect(() => recordEventStoreNamespace({ dataDir: dataDir.dir, eventStoreStreamPrefix: 'shop' })).not.toThrow();

    for (const other of ['shop-2', null]) {
      let refusal: unknown;
      try {
        recordEventStoreNamespace({ dataDir: dataDir.dir, eventStoreStreamPrefix: other });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(StartupError);
      expect((refusal as Error).message).toMatch(
        /^Cannot start: EVENTSTORE_STREAM_PREFIX: is .* but the installation of DATA_DIR .* uses "shop"/,
      );
    }
  });

  it("refuses the CLI a namespace other than the app's before reading anything, and opens the app's", async () => {
    recordEventStoreNamespace({ dataDir: dataDir.dir, eventStoreStreamPrefix: 'shop' });
    const readsBefore = double.callCount('readAll');

    await expect(openEventStore(storage())).rejects.toThrow(/EVENTSTORE_STREAM_PREFIX is unset \(no namespace\), but .* uses "shop"/);
    await expect(openEventStore(storage('shop-2'))).rejects.toBeInstanceOf(NamespaceMismatchError);
    expect(double.callCount('readAll')).toBe(readsBefore);

    const store = await openEventStore(storage('shop'));
    await store.close();
  });

  it('refuses a privacy erasure in the wrong namespace instead of erasing nothing', async () => {
    recordEventStoreNamespace({ dataDir: dataDir.dir, eventStoreStreamPrefix: 'shop' });
    writeFileSync(join(dataDir.dir, 'content-keys.sqlite'), ''); // the app's vault is there (it is never opened here)
    await expect(openCustomerErasure({ ...storage(), tokenEncryptionKey: null })).rejects.toBeInstanceOf(NamespaceMismatchError);
  });

  it('checks nothing where no app recorded a namespace (a DATA_DIR of the embedded store, or not yet started)', async () => {
    const store = await openEventStore(storage('anything'));
    await store.close();
  });
});
