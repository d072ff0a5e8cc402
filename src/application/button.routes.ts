import { unbanButtonRoute } from './ban-customer/unban-customer.route';
import { inboxButtonRoute, ownChatBanButtonRoute } from './own-chat/inbox.route';
import { pickBotButtonRoute } from './pick-bot/pick-bot.route';
import { relayButtonRoute } from './reply-to-customer/relay-button.route';
import { ButtonRoute } from './shared/button-route';
import { confirmTeamGroupButtonRoute } from './team-group/confirm-team-group.route';

/**
 * The buttons their slices route (see docs/architecture.md, "Code layout"), tried in this order; each answers
 * only data it could have sent. The relay buttons come last: their reader refuses `reply:`/`ban:` data it
 * cannot decode, and no other prefix overlaps.
 */
export const BUTTON_ROUTES: readonly ButtonRoute[] = [
  pickBotButtonRoute,
  inboxButtonRoute,
  confirmTeamGroupButtonRoute,
  unbanButtonRoute,
  relayButtonRoute,
  ownChatBanButtonRoute,
];
