import type { Json } from './types';

export interface BotApiAnswer {
  status: number;
  body: Json;
}

/** A bare Bot API client over global fetch, for tests that talk to the fake (or any Bot API server)
 * without a bot library in between. */
export class BotApiClient {
  constructor(private readonly apiRoot: string) {}

  async call(token: string, method: string, params: Json = {}): Promise<BotApiAnswer> {
    const res = await fetch(`${this.apiRoot}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  // The Bot API's results are untyped JSON; callers read the fields their method returns.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async result(token: string, method: string, params: Json = {}): Promise<any> {
    const { body } = await this.call(token, method, params);
    if (body.ok !== true) throw new Error(`${method} failed: ${String(body.description)}`);
    return body.result;
  }

  /** `[error_code, description]` of a call expected to fail; throws if it succeeded or the HTTP status
   * disagrees with error_code (Telegram always makes them equal). */
  async failure(token: string, method: string, params: Json = {}): Promise<[number, string]> {
    const { status, body } = await this.call(token, method, params);
    if (body.ok !== false) throw new Error(`${method} unexpectedly succeeded: ${JSON.stringify(body.result)}`);
    if (body.error_code !== status) throw new Error(`HTTP ${status} but error_code ${String(body.error_code)}`);
    return [status, String(body.description)];
  }

  async failureParameters(token: string, method: string, params: Json = {}): Promise<Json | undefined> {
    const { body } = await this.call(token, method, params);
    return body.parameters as Json | undefined;
  }
}
