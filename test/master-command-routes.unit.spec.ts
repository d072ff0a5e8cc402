import { ConfigureRemindersCommand } from '../src/application/configure-reminders/configure-reminders.command';
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

  it('/start carries the master’s first name; /delete the answer it replies to, or none when sent alone', () => {
    expect(translateMasterUpdate(MASTER_BOT, masterWrites('/start'))).toEqual(expect.objectContaining({ masterId: 42, firstName: 'Ada' }));
    const replying = { ...masterWrites('/delete'), message: { ...masterWrites('/delete').message!, reply_to_message: { message_id: 60 } } };
    expect(translateMasterUpdate(MASTER_BOT, replying as TgUpdate)).toEqual(expect.objectContaining({ answerMessageId: 60 }));
    expect(translateMasterUpdate(MASTER_BOT, masterWrites('/delete'))).toEqual(expect.objectContaining({ answerMessageId: null }));
  });

  it('/reminders takes hours or off; anything else reaches the decider as no number, to be refused there', () => {
    const hours = (text: string) => (translateMasterUpdate(MASTER_BOT, masterWrites(text)) as ConfigureRemindersCommand).hours;
    expect(hours('/reminders 2')).toBe(2);
    expect(hours('/reminders 1.5')).toBe(1.5);
    expect(hours('/reminders OFF')).toBeNull();
    expect(hours('/reminders soon')).toBeNaN();
    expect(hours('/reminders')).toBeNaN();
  });

  it('a command no slice or switch knows is answered as unknown', () => {
    expect(translateMasterUpdate(MASTER_BOT, masterWrites('/helpme'))).toBeInstanceOf(UnknownCommandCommand);
  });
});
