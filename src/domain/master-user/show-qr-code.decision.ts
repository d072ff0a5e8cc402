import { START_PARAMETER } from './master-user.commands';
import { MasterUserEvent } from './master-user.events';
import { Command, reject } from './master-user.rules';
import { MasterUserState } from './master-user.state';
import { requestForBot } from './pick-bot.decision';

/** /qr [parameter]: a parameter Telegram would refuse in a t.me link is refused here, before any bot is picked. */
export function requestQr(command: Command<'RequestQr'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, startParameter } = command;
  if (startParameter !== null && !START_PARAMETER.test(startParameter.text)) return [reject(masterId, '/qr', 'bad_start_parameter')];
  return requestForBot(state, masterId, 'qr', startParameter?.sealed ?? null);
}
