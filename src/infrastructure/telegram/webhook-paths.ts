/** The webhook routes' paths (TelegramWebhookRoutes serves them; WebhookGate recognises them). */
export const MASTER_WEBHOOK_PATH = '/telegram/master';
export const CLIENT_WEBHOOK_PATH = '/telegram/client/:botId';
