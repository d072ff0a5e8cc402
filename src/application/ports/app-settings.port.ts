import { PlanLimits } from '../../domain/master-user/master-user.events';

export const APP_SETTINGS = Symbol('APP_SETTINGS');

/** What the application layer needs to know about this deployment (a subset of the validated config). */
export interface AppSettings {
  masterBotId: number;
  masterBotToken: string;
  /** Set in webhook mode: client bot webhooks are registered at `${publicUrl}/telegram/client/<botId>`. */
  publicUrl: string | null;
  planLimits: PlanLimits;
  proPriceStars: number;
  floodLimitPerMinute: number;
  broadcastRatePerSecond: number;
  schedulerIntervalMs: number;
  /** Long-polling timeout for getUpdates, seconds (polling mode). */
  pollingTimeoutSeconds: number;
}
