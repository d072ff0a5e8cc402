import { Module } from '@nestjs/common';
import { ClientBotSupervisor } from '../infrastructure/telegram/client-bot-supervisor';
import { ClientBotWebhooks } from '../infrastructure/telegram/client-bot-webhooks';
import { UpdateRouter } from '../infrastructure/telegram/update-router';
import { TelegramWebhookController } from '../infrastructure/telegram/webhook.controller';
import { WebhookAdmission } from '../infrastructure/telegram/webhook-admission';
import { WebhookGate } from '../infrastructure/telegram/webhook-gate';

/** Telegram updates in: webhooks and polling for the MasterBot and every client bot, translated to commands. */
@Module({
  controllers: [TelegramWebhookController],
  providers: [UpdateRouter, WebhookAdmission, WebhookGate, ClientBotSupervisor, ClientBotWebhooks],
  exports: [UpdateRouter, ClientBotSupervisor, ClientBotWebhooks],
})
export class TelegramIntakeModule {}
