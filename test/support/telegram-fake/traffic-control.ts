import { BotApiError, tooManyRequests } from './api-error';
import type { Fault, RateLimits } from './types';

/** Methods that put a message into a chat; Telegram's flood limits count these. */
export const SENDING_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendSticker',
  'sendAnimation',
  'sendVideoNote',
  'sendLocation',
  'sendContact',
  'sendMediaGroup',
  'sendInvoice',
  'copyMessage',
  'forwardMessage',
]);

const WINDOW_MS = 1000;
const GROUP_WINDOW_MS = 60_000;

export class TrafficControl {
  private readonly windows = new Map<string, number[]>();
  private readonly faults = new Map<string, Fault[]>();

  constructor(private limits: RateLimits = {}) {}

  setLimits(limits: RateLimits): void {
    this.limits = limits;
    this.windows.clear();
  }

  /** Makes the next `times` calls of `method` by the bot fail; `'*'` matches any method. */
  failNext(botId: number, method: string, fault: Fault, times: number): void {
    const key = faultKey(botId, method);
    this.faults.set(key, [...(this.faults.get(key) ?? []), ...Array.from({ length: times }, () => fault)]);
  }

  takeFault(botId: number, method: string): BotApiError | undefined {
    for (const key of [faultKey(botId, method), faultKey(botId, '*')]) {
      const fault = this.faults.get(key)?.shift();
      if (fault) {
        const parameters =
          fault.retryAfter === undefined && fault.migrateToChatId === undefined
            ? undefined
            : {
                ...(fault.retryAfter !== undefined ? { retry_after: fault.retryAfter } : {}),
                ...(fault.migrateToChatId !== undefined ? { migrate_to_chat_id: fault.migrateToChatId } : {}),
              };
        return new BotApiError(fault.errorCode, fault.description, parameters);
      }
    }
    return undefined;
  }

  /** Telegram's flood limits, each over a sliding window: per chat (private or group) per second, per bot
   * per second and, for groups (negative chat ids), per bot and group per minute — "your bot will not be able
   * to send more than 20 messages per minute to the same group" (Bots FAQ). */
  admit(botId: number, method: string, chatId: unknown): void {
    if (!SENDING_METHODS.has(method)) return;
    const now = Date.now();
    const isGroup = Number(chatId) < 0;
    const checks: Array<[string, number | undefined, number]> = [
      [`chat:${botId}:${String(chatId)}`, this.limits.perChatPerSecond, WINDOW_MS],
      [`bot:${botId}`, this.limits.perBotPerSecond, WINDOW_MS],
      [`group:${botId}:${String(chatId)}`, isGroup ? this.limits.perGroupPerMinute : undefined, GROUP_WINDOW_MS],
    ];
    let waitMs = 0;
    for (const [key, limit, window] of checks) {
      if (!limit) continue;
      const recent = (this.windows.get(key) ?? []).filter((at) => at > now - window);
      this.windows.set(key, recent);
      if (recent.length >= limit) waitMs = Math.max(waitMs, recent[recent.length - limit] + window - now);
    }
    if (waitMs > 0) throw tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    for (const [key, limit] of checks) if (limit) this.windows.get(key)?.push(now);
  }
}

const faultKey = (botId: number, method: string): string => `${botId}|${method === '*' ? '*' : method.toLowerCase()}`;
