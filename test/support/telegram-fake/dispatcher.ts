import { BotApiError, DescribedResult, notFound, unauthorized } from './api-error';
import type { FakeState, MethodHandler, MethodTable } from './method-context';
import type { ParamReader } from './request-params';
import type { ConnectionFaults } from './connection-faults';
import { Latency } from './latency';
import type { TrafficControl } from './traffic-control';
import type { Json } from './types';

export interface ApiResponse {
  status: number;
  body: Json;
  /** Drop the connection instead of answering (a connection fault); the client sees ECONNRESET. */
  reset?: boolean;
}

/** Runs Bot API methods: token check, method lookup (case-insensitive, as Telegram's), injected faults
 * (connection faults first, see connection-faults.ts), latency (latency.ts), flood limits, then the
 * handler; every call ends up in the journal (a call that was not answered with status 0 and what
 * happened to it; one whose client hung up before the answer with `clientGone`). */
export class Dispatcher {
  private readonly methods = new Map<string, [string, MethodHandler]>();

  constructor(
    private readonly state: FakeState,
    private readonly traffic: TrafficControl,
    tables: MethodTable[],
    private readonly connections?: ConnectionFaults,
    readonly latency = new Latency(),
  ) {
    for (const table of tables) {
      for (const [name, handler] of Object.entries(table)) this.methods.set(name.toLowerCase(), [name, handler]);
    }
  }

  call(token: string, methodName: string, params: ParamReader, signal: AbortSignal): Promise<ApiResponse> {
    const bot = this.state.registry.byActiveToken(token);
    const method = this.methods.get(methodName.toLowerCase())?.[0] ?? methodName;
    const chatId = params.str('chat_id');
    return this.latency.carry({ botId: bot?.id ?? null, method, chatId }, () => this.carryOut(token, methodName, params, signal));
  }

  private async carryOut(token: string, methodName: string, params: ParamReader, signal: AbortSignal): Promise<ApiResponse> {
    const at = Date.now();
    const bot = this.state.registry.byActiveToken(token);
    const entry = this.methods.get(methodName.toLowerCase());
    const method = entry?.[0] ?? methodName;
    const connection = bot && entry ? this.connections?.take(bot.id, method) : undefined;
    if (connection === 'reset_before') return this.dropped(token, method, params, at, 'connection reset before handling');
    if (connection === 'hang' && !(await this.connections?.hang(signal)))
      return this.dropped(token, method, params, at, 'hung until the client gave up');
    let response: ApiResponse;
    let problem: string | undefined;
    try {
      if (!bot) throw unauthorized();
      if (!entry) throw notFound();
      const fault = this.traffic.takeFault(bot.id, method);
      if (fault) throw fault;
      this.traffic.admit(bot.id, method, params.str('chat_id'));
      const value = await entry[1]({ bot, params, signal, state: this.state });
      response =
        value instanceof DescribedResult
          ? { status: 200, body: { ok: true, result: value.result, description: value.description } }
          : { status: 200, body: { ok: true, result: value } };
    } catch (error) {
      const apiError = error instanceof BotApiError ? error : new BotApiError(500, 'Internal Server Error');
      problem = error instanceof BotApiError ? apiError.description : `fake failed: ${(error as Error).stack ?? String(error)}`;
      response = { status: apiError.code, body: apiError.toBody() };
    }
    if (connection === 'reset_after') {
      this.record(token, method, params, at, response.status, `connection reset after handling${problem ? `: ${problem}` : ''}`);
      return { ...response, reset: true };
    }
    this.record(token, method, params, at, response.status, problem, signal.aborted);
    return response;
  }

  private dropped(token: string, method: string, params: ParamReader, at: number, what: string): ApiResponse {
    this.record(token, method, params, at, 0, what);
    return { status: 0, body: {}, reset: true };
  }

  refuse(token: string, methodName: string, params: ParamReader, error: BotApiError): ApiResponse {
    const entry = this.methods.get(methodName.toLowerCase());
    this.record(token, entry?.[0] ?? methodName, params, Date.now(), error.code, error.description);
    return { status: error.code, body: error.toBody() };
  }

  private record(
    token: string,
    method: string,
    params: ParamReader,
    at: number,
    status: number,
    description?: string,
    clientGone = false,
  ): void {
    // The id part of the token, even a revoked or unknown one, says which bot the caller meant.
    const claimedId = Number(/^(\d+):/.exec(token)?.[1]);
    this.state.journal.recordCall({
      botId: Number.isSafeInteger(claimedId) ? claimedId : null,
      method,
      params: params.summary(),
      at,
      status,
      description,
      ...(clientGone ? { clientGone } : {}),
    });
  }
}
