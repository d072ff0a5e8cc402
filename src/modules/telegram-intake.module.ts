import { Module } from '@nestjs/common';
import { ClientBotSupervisor } from '../infrastructure/telegram/client-bot-supervisor';
import { ClientBotWebhooks } from '../infrastructure/telegram/client-bot-webhooks';
import { UpdateRouter } from '../infrastructure/telegram/update-router';
import { WebhookAdmission } from '../infrastructure/telegram/webhook-admission';
import { WebhookGate } from '../infrastructure/telegram/webhook-gate';
import { TelegramWebhookRoutes } from '../infrastructure/telegram/webhook.routes';

/** Telegram updates in: webhooks and polling for the MasterBot and every client bot, translated to commands. */
@Module({
  providers: [UpdateRouter, WebhookAdmission, WebhookGate, TelegramWebhookRoutes, ClientBotSupervisor, ClientBotWebhooks],
  exports: [UpdateRouter, ClientBotSupervisor, ClientBotWebhooks],
})
export class TelegramIntakeModule {}
