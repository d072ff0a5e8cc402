import type { ChatStore } from './chat-store';
import type { FileStore } from './file-store';
import type { Journal } from './journal';
import type { PaymentBook } from './payment-book';
import type { BotRecord, Registry } from './registry';
import type { ParamReader } from './request-params';
import type { UpdateHub } from './update-hub';

export interface CallbackQueryRecord {
  id: string;
  botId: number;
  userId: number;
  messageId: number;
  data: string;
  answer?: { text?: string; showAlert: boolean; url?: string };
}

export interface FakeState {
  registry: Registry;
  chats: ChatStore;
  files: FileStore;
  hub: UpdateHub;
  journal: Journal;
  payments: PaymentBook;
  callbackQueries: Map<string, CallbackQueryRecord>;
  /** Starts webhook delivery for a bot whose webhook was just set. */
  kickWebhook(botId: number): void;
}

export interface MethodCall {
  bot: BotRecord;
  params: ParamReader;
  /** Aborted when the client hangs up (a long poll being cancelled). */
  signal: AbortSignal;
  state: FakeState;
}

export type MethodHandler = (call: MethodCall) => unknown;

export type MethodTable = Record<string, MethodHandler>;

export const unixNow = (): number => Math.floor(Date.now() / 1000);

export function queryId(): string {
  return `${Date.now()}${Math.floor(Math.random() * 1e6)
    .toString()
    .padStart(6, '0')}`;
}
