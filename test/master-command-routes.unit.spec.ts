import { HelpCommand } from '../src/application/help/help.command';
import { MASTER_COMMANDS } from '../src/application/help/master-commands';
import { UnknownCommandCommand } from '../src/application/unknown-command/unknown-command.command';
import { TgUpdate } from '../src/infrastructure/telegram/telegram-update';
import { translateMasterUpdate } from '../src/infrastructure/telegram/update-translator';

const MASTER_BOT = 5000;
const masterWrites = (text: string): TgUpdate => ({
  update_id: 9,
  message: { message_id: 3, date: 0, text, from: { id: 42, is_bot: false, first_name: 'Ada' }, chat: { id: 42, type: 'private' } },
});

/** The MasterBot's slash commands, routed by the slices that own them (and the translator's switch for the rest). */
describe('MasterBot commands', () => {
  it('every command the MasterBot menu offers is understood, none taken for an unknown command', () => {
    const unknown = MASTER_COMMANDS.filter(
      ({ command }) => translateMasterUpdate(MASTER_BOT, masterWrites(`/${command}`)) instanceof UnknownCommandCommand,
    );
    expect(unknown).toEqual([]);
  });

  it('/help, addressed to the bot by name or in capitals, asks for the help of the master who wrote it', () => {
    for (const text of ['/help', '/help@FeedbackMasterBot', '/HELP'])
      expect(translateMasterUpdate(MASTER_BOT, masterWrites(text))).toEqual(expect.objectContaining({ masterId: 42 }));
    expect(translateMasterUpdate(MASTER_BOT, masterWrites('/help@FeedbackMasterBot'))).toBeInstanceOf(HelpCommand);
  });

  it('a command no slice or switch knows is answered as unknown', () => {
    expect(translateMasterUpdate(MASTER_BOT, masterWrites('/helpme'))).toBeInstanceOf(UnknownCommandCommand);
  });
});
