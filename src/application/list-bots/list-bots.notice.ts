import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId, MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { inboxOf } from '../../domain/master-user/master-user.state';
import { MasterNotice } from '../shared/master-notice';
import { listBotsTexts } from './list-bots.texts';

/** `BotListRequested`: the master's client bots with their counters (read model) and inboxes. */
export const listBotsNotice: MasterNotice<MasterUserEventOf<'BotListRequested'>> = {
  handles: ['BotListRequested'],
  render: async ({ data: { masterId } }, { say, aggregates, directory }) => {
    // M14: each bot's inbox, from the master's own state (the read model's counters do not keep it).
    const { bots } = await aggregates.current(masterStreamId(masterId), masterUserDecider);
    await say(listBotsTexts.botList(await directory.statsOf(masterId), new Map(bots.map((b) => [b.botId, inboxOf(b)]))));
  },
};
