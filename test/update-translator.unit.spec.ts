import { PickBotCommand } from '../src/application/pick-bot/pick-bot.command';
import { translateMasterUpdate } from '../src/infrastructure/telegram/update-translator';
import { TgUpdate } from '../src/infrastructure/telegram/telegram-update';

const MASTER_BOT = 5000;
const button = (data: string): TgUpdate =>
  ({
    update_id: 9,
    callback_query: {
      id: 'q1',
      from: { id: 42, is_bot: false, first_name: 'Ada' },
      data,
      message: { message_id: 7, date: 0, chat: { id: 42, type: 'private' } },
    },
  }) as unknown as TgUpdate;

describe('MasterBot buttons', () => {
  it('a pick button picks that bot for that purpose', () => {
    const command = translateMasterUpdate(MASTER_BOT, button('pick:qr:7001'));
    expect(command).toBeInstanceOf(PickBotCommand);
    expect(command).toMatchObject({ masterId: 42, purpose: 'qr', botId: 7001 });
  });

  it("a /remove button from the first release's keyboard (remove:<id>) is still understood after an upgrade", () => {
    const command = translateMasterUpdate(MASTER_BOT, button('remove:7001'));
    expect(command).toBeInstanceOf(PickBotCommand);
    expect(command).toMatchObject({ masterId: 42, purpose: 'remove', botId: 7001 });
  });

  it('an unknown purpose or malformed data is not a command', () => {
    expect(translateMasterUpdate(MASTER_BOT, button('pick:launch:7001'))).toBeNull();
    expect(translateMasterUpdate(MASTER_BOT, button('remove:abc'))).toBeNull();
  });
});
