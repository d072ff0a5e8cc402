import { BadRequestException, Body, Controller, Headers, HttpCode, Logger, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BadUpdateError } from './telegram-update';
import { UpdateRouter } from './update-router';
import { Admitted, SECRET_HEADER, WebhookAdmission, WebhookTarget } from './webhook-admission';
import { WebhookGate } from './webhook-gate';

export { secretsMatch } from './webhook-admission';

/**
 * Telegram webhooks. 200 only after the update is durably recorded; a recording failure surfaces as
 * 500 so Telegram retries (it keeps retrying, in order, for up to 24 h). Bad input gets a 4xx and
 * writes nothing: 401 wrong secret, 404 unknown bot, 400 bad bot id or body, 413 too large. Who may post
 * is decided before the body is read (WebhookGate); the handler only records.
 */
@Controller('telegram')
export class TelegramWebhookController {
  private readonly logger = new Logger('Webhook');

  constructor(
    private readonly router: UpdateRouter,
    private readonly admission: WebhookAdmission,
    private readonly gate: WebhookGate,
  ) {}

  @Post('master')
  @HttpCode(200)
  async master(
    @Req() request: FastifyRequest,
    @Headers(SECRET_HEADER) secret: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    await this.admit(request, { kind: 'master' }, secret);
    await this.record(() => this.router.record({ kind: 'master' }, body));
    return { ok: true };
  }

  @Post('client/:botId')
  @HttpCode(200)
  async client(
    @Req() request: FastifyRequest,
    @Param('botId') rawBotId: string,
    @Headers(SECRET_HEADER) secret: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    const admitted = await this.admit(request, { kind: 'client', rawBotId }, secret);
    if (admitted.kind !== 'client') throw new BadRequestException('botId must be a number');
    const { botId, bot } = admitted;
    // A detached bot's webhook may still fire until Telegram processes deleteWebhook: accept and drop.
    if (bot.status === 'attached') await this.record(() => this.router.record({ kind: 'client', botId }, body));
    return { ok: true };
  }

  /** The gate's decision, made before the body was read; decided here only if the gate did not see the request. */
  private async admit(request: FastifyRequest, target: WebhookTarget, secret: string | undefined): Promise<Admitted> {
    return this.gate.admittedFor(request.raw) ?? (await this.admission.admit(target, secret));
  }

  private async record(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (error instanceof BadUpdateError) throw new BadRequestException(error.message);
      this.logger.error(`update not recorded, Telegram will retry: ${String(error)}`);
      throw error;
    }
  }
}
