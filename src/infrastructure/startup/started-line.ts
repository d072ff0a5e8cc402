import { join } from 'node:path';
import { BotIdentity } from '../../application/ports/telegram.port';
import { AppConfig } from '../config/app-config';
import { describeDatabaseUrl } from './read-model-database-lock';

/**
 * The one line that says the app is up, with what an operator checks first: which bot, which stores,
 * which intake, which port — and no credentials (user names and passwords are left out of URLs).
 */
export function startedLine(config: AppConfig, identity: BotIdentity): string {
  const events = config.eventStoreUrl
    ? `esdb ${withoutCredentials(config.eventStoreUrl)}${config.eventStoreStreamPrefix ? ` (streams ${config.eventStoreStreamPrefix}/…)` : ''}`
    : `sqlite ${join(config.dataDir, 'events.sqlite')}`;
  const readModels = config.databaseUrl
    ? `mysql ${describeDatabaseUrl(config.databaseUrl)}`
    : `sqlite ${join(config.dataDir, 'read-models.sqlite')}`;
  const intake = config.publicUrl ? `webhooks at ${config.publicUrl}/telegram/…` : 'polling';
  return `FeedbackBots started as @${identity.username}: events ${events}, read models ${readModels}, ${intake}, port ${config.port}`;
}

/** `esdb://admin:pw@a:2113,b:2113?tls=false` → `a:2113,b:2113` (the options may carry credentials too). */
function withoutCredentials(url: string): string {
  return url
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .replace(/[/?].*$/, '');
}
