import { TelegramBotApiFake, type CreatedBot } from '../telegram-bot-api.fake';
import { BotApiClient } from './bot-api-client';
import type { FakeUser } from './registry';
import type { FakeOptions } from './types';

/** The smallest bytes the fake (and most image sniffers) read as a PNG of the given size: the signature
 * and an IHDR chunk. Not a decodable image, which the fake never needs. */
export function pngHeader(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bytes);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt8(8, 24);
  bytes.writeUInt8(6, 25);
  return bytes;
}

export interface FakeWorld {
  fake: TelegramBotApiFake;
  client: BotApiClient;
  bot: CreatedBot;
  alice: FakeUser;
}

/** A started fake with one bot (@client_one_bot) and one user (Alice) who has not written yet. */
export async function startFakeWorld(options: FakeOptions = {}): Promise<FakeWorld> {
  const fake = await TelegramBotApiFake.start(options);
  return {
    fake,
    client: new BotApiClient(fake.apiRoot),
    bot: fake.createBot({ username: 'client_one_bot', firstName: 'Client One' }),
    alice: fake.createUser({ firstName: 'Alice', lastName: 'Liddell', username: 'alice' }),
  };
}
