import type { Json } from './types';

/** A failed Bot API call, answered as `{ ok: false, error_code, description, parameters? }` with the HTTP
 * status equal to `error_code`, exactly as api.telegram.org does. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(`${code}: ${description}`);
  }

  toBody(): Json {
    const body: Json = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

export const badRequest = (reason: string): BotApiError => new BotApiError(400, `Bad Request: ${reason}`);

export const forbidden = (reason: string): BotApiError => new BotApiError(403, `Forbidden: ${reason}`);

export const unauthorized = (): BotApiError => new BotApiError(401, 'Unauthorized');

export const notFound = (): BotApiError => new BotApiError(404, 'Not Found');

export const conflict = (reason: string): BotApiError => new BotApiError(409, `Conflict: ${reason}`);

export const tooLarge = (): BotApiError => new BotApiError(413, 'Request Entity Too Large');

export const tooManyRequests = (retryAfter: number): BotApiError =>
  new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export const QUERY_ID_INVALID = 'query is too old and response timeout expired or query ID is invalid';

/** A successful result that carries Telegram's optional `description` (setWebhook: "Webhook was set"). */
export class DescribedResult {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
