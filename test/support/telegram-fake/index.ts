/** Public pieces of the Telegram Bot API fake; the entry point is `../telegram-bot-api.fake.ts`. */
export * from './types';
export { BotApiError } from './api-error';
export type { ChatEntry } from './chat-store';
export { MAX_DOWNLOAD_BYTES, MAX_UPLOAD_BYTES } from './file-store';
export { MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH } from './formatted-text';
export type { JournalView, WaitOptions } from './journal';
export type { CallbackQueryRecord } from './method-context';
export type { StarCharge } from './payment-book';
export { STAR_SUBSCRIPTION_PERIOD } from './payment-methods';
export type { BotCommand, FakeUser } from './registry';
export { SENDING_METHODS } from './traffic-control';
export type { ConnectionFault } from './connection-faults';
export type { InFlightCall } from './latency';
export type { PaymentOptions } from './user-simulator';
export { BotApiClient, type BotApiAnswer } from './bot-api-client';
