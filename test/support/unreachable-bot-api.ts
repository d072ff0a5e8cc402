import { BotApi, TelegramUnreachableError } from '../../src/application/ports/telegram.port';

/** A bot whose every Bot API call fails as if Telegram could not be reached; it remembers what was called. */
export interface UnreachableBotApi {
  api: BotApi;
  /** Resolves once `method` was called (and its failure handed back to the caller). */
  called(method: string): Promise<void>;
}

export function unreachableBotApi(): UnreachableBotApi {
  const made: string[] = [];
  const waiting: { method: string; resolve: () => void }[] = [];
  const api = new Proxy(
    {},
    {
      get: (_target, method: string) => (): Promise<never> => {
        made.push(method);
        for (const w of waiting.filter((w) => w.method === method)) setImmediate(w.resolve);
        return Promise.reject(new TelegramUnreachableError(method, 'ECONNREFUSED'));
      },
    },
  ) as BotApi;
  return {
    api,
    // setImmediate: by then the caller has handled the failure (and begun its back-off).
    called: (method) => new Promise((resolve) => (made.includes(method) ? setImmediate(resolve) : waiting.push({ method, resolve }))),
  };
}
