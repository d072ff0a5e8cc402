import { INestApplication, Logger } from '@nestjs/common';

/**
 * Under `npm start`, Ctrl-C reaches node twice at once (from the terminal, and forwarded by npm): a
 * repeat this soon is the same request, not an operator insisting.
 */
const REPEAT_WINDOW_MS = 1500;
/** A graceful stop that takes longer than this (a hung call) is cut short. */
const FORCE_AFTER_MS = 30_000;

/**
 * SIGTERM or SIGINT — sent to node itself, or to `npm start`, which forwards it (the script `exec`s
 * node, so no shell is left in between to die and orphan it) — stops the app gracefully: intake
 * first, then reactors and stores (see LifecycleService), and prints one line saying it stopped. A
 * second signal during the stop exits at once. Installed before the start, so a signal while waiting
 * for Telegram at boot also ends the process.
 */
export function stopOnSignals(logger = new Logger('FeedbackBots')): { attach(app: INestApplication): void } {
  let app: INestApplication | undefined;
  let stopping: { at: number } | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      if (Date.now() - stopping.at < REPEAT_WINDOW_MS) return;
      logger.warn(`${signal} again while stopping: exiting now`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    stopping = { at: Date.now() };
    setTimeout(() => {
      logger.error(`could not stop within ${FORCE_AFTER_MS / 1000} s: exiting now`);
      process.exit(1);
    }, FORCE_AFTER_MS).unref();
    void (async () => {
      let code = 0;
      try {
        await app?.close();
      } catch (error) {
        code = 1;
        logger.error(`error while stopping: ${String(error)}`);
      }
      logger.log(`FeedbackBots stopped (${signal})`);
      process.exit(code);
    })();
  };

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    attach: (started) => {
      app = started;
    },
  };
}
