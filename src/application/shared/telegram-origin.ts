import { CommandOrigin } from '../../domain/shared/decider';

/** The origin of a command that came from Telegram update `updateId` of bot `botId`. */
export function telegramOrigin(botId: number, updateId: number): CommandOrigin {
  const id = `tg:${botId}:${updateId}`;
  return { causationId: id, correlationId: id, updateId, updateSource: botId, occurredAt: new Date().toISOString() };
}

/** A command that carries the Telegram update it came from. */
export abstract class TelegramCommand {
  constructor(readonly origin: CommandOrigin) {}
}
