/** What the bench's parts share: tenants attached as users attach them, and a webhook load generator. */
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import type { CreatedBot, FakeUser, TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';

export interface Tenant {
  url: string;
  secret: string;
}

/** A master who attached a client bot through the MasterBot: its webhook, the master and the bot in the fake. */
export interface AttachedTenant extends Tenant {
  master: FakeUser;
  bot: CreatedBot;
}

/** Each master registers with the MasterBot and attaches a client bot by pasting its token, as a user does. */
export async function attachThroughMasterBot(
  fake: TelegramBotApiFake,
  masterBot: { id: number },
  port: number,
  cipher: AesTokenCipher,
  masters: number,
  botOptions: { topicsInPrivateChats?: boolean } = {},
): Promise<AttachedTenant[]> {
  return Promise.all(
    Array.from({ length: masters }, async (_, i) => {
      const master = fake.createUser({ firstName: `Master${i}` });
      const bot = fake.createBot({ username: `bench_${i}_bot`, ...botOptions });
      fake.userSends(masterBot.id, master.id, '/start');
      fake.userSends(masterBot.id, master.id, '/add');
      await fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('token'), { timeoutMs: 30_000 });
      fake.userSends(masterBot.id, master.id, bot.token);
      await fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('is attached'), { timeoutMs: 30_000 });
      return { url: `http://127.0.0.1:${port}/telegram/client/${bot.id}`, secret: cipher.webhookSecret(String(bot.id)), master, bot };
    }),
  );
}

/**
 * POSTs a customer's text message to a tenant's client bot webhook (customer id modulo tenants picks the tenant);
 * resolves on the 200. With `ports` (replicas), the n-th POST goes to the n-th port in turn, as a round-robin
 * proxy in front of them would send it; the tenants' URLs name the first.
 */
export function webhookPoster(
  tenants: Tenant[],
  ports: number[] = [],
): (text: string, customerId: number, tenant?: number) => Promise<number> {
  let updateId = 1;
  return async (text, customerId, tenant) => {
    const id = updateId++;
    const { url: first, secret } = tenants[tenant ?? customerId % tenants.length];
    const url = ports.length > 1 ? first.replace(`:${ports[0]}/`, `:${ports[id % ports.length]}/`) : first;
    const body = JSON.stringify({
      update_id: id,
      message: {
        message_id: id,
        date: 0,
        chat: { id: customerId, type: 'private' },
        from: { id: customerId, first_name: 'Customer' },
        text,
      },
    });
    // A connection the app dropped (overloaded for longer than its header timeout, on a busy machine) is
    // posted again with the same update id, as Telegram does: the app records an update once.
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
          body,
        });
      } catch (error) {
        if (attempt >= 5) throw error;
        continue;
      }
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return id;
    }
  };
}
