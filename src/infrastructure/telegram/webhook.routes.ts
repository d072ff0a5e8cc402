import { BadRequestException, HttpException, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadUpdateError } from './telegram-update';
import { UpdateRouter } from './update-router';
import { Admitted, SECRET_HEADER, WebhookAdmission, WebhookTarget } from './webhook-admission';
import { WebhookGate } from './webhook-gate';
import { CLIENT_WEBHOOK_PATH, MASTER_WEBHOOK_PATH } from './webhook-paths';

/**
 * Telegram webhooks. 200 only after the update is durably recorded; a recording failure surfaces as
 * 500 so Telegram retries (it keeps retrying, in order, for up to 24 h). Bad input gets a 4xx and
 * writes nothing: 401 wrong secret, 404 unknown bot, 400 bad bot id or body, 413 too large. Who may post
 * is decided before the body is read (WebhookGate); the handler only records.
 *
 * Plain Fastify routes, not a Nest controller: every customer message comes through here, and Nest's
 * router (execution context, parameter decorators, exception zone, response mapping) cost ~5 % of the
 * CPU of a relayed message in the relay bench for nothing these two routes use. The answers are the
 * ones Nest gave: an `HttpException`'s own body and status, and for anything else
 * `{ statusCode: 500, message: 'Internal server error' }`, logged once.
 */
@Injectable()
export class TelegramWebhookRoutes implements OnModuleInit {
  private readonly logger = new Logger('Webhook');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly router: UpdateRouter,
    private readonly admission: WebhookAdmission,
    private readonly gate: WebhookGate,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.post) return; // no HTTP server in this context (the CLI)
    fastify.post(MASTER_WEBHOOK_PATH, (request, reply) => this.answer(reply, this.master(request)));
    fastify.post<{ Params: { botId: string } }>(CLIENT_WEBHOOK_PATH, (request, reply) =>
      this.answer(reply, this.client(request, request.params.botId)),
    );
    // Nest lists its own routes at start (debug level); these are not Nest's, so they are listed here.
    this.logger.debug(`Mapped {${MASTER_WEBHOOK_PATH}, POST} and {${CLIENT_WEBHOOK_PATH}, POST} (Fastify routes)`);
  }

  private async master(request: FastifyRequest): Promise<void> {
    await this.admit(request, { kind: 'master' });
    await this.router.record({ kind: 'master' }, request.body);
  }

  private async client(request: FastifyRequest, rawBotId: string): Promise<void> {
    const admitted = await this.admit(request, { kind: 'client', rawBotId });
    if (admitted.kind !== 'client') throw new BadRequestException('botId must be a number');
    const { botId, bot } = admitted;
    // A detached bot's webhook may still fire until Telegram processes deleteWebhook: accept and drop.
    if (bot.status === 'attached') await this.router.record({ kind: 'client', botId }, request.body);
  }

  /** The gate's decision, made before the body was read; decided here only if the gate did not see the request. */
  private async admit(request: FastifyRequest, target: WebhookTarget): Promise<Admitted> {
    const secret = request.headers[SECRET_HEADER];
    return this.gate.admittedFor(request.raw) ?? (await this.admission.admit(target, typeof secret === 'string' ? secret : undefined));
  }

  private async answer(reply: FastifyReply, recorded: Promise<void>): Promise<FastifyReply> {
    try {
      await recorded;
      return reply.code(200).send({ ok: true });
    } catch (error) {
      if (error instanceof BadUpdateError) return sendHttpError(reply, new BadRequestException(error.message));
      if (error instanceof HttpException) return sendHttpError(reply, error);
      this.logger.error(`update not recorded, Telegram will retry: ${String(error)}`, error instanceof Error ? error.stack : undefined);
      return reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
    }
  }
}

function sendHttpError(reply: FastifyReply, error: HttpException): FastifyReply {
  return reply.code(error.getStatus()).send(error.getResponse());
}
