import { BadRequestException, HttpException, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { IntakeFirst } from '../../processing/intake-first';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { Admitted, SECRET_HEADER, WebhookAdmission, WebhookTarget } from './webhook-admission';
import { CLIENT_WEBHOOK_PATH, MASTER_WEBHOOK_PATH } from './webhook-paths';

/** The webhook routes (TelegramWebhookRoutes) and the target each stands for. */
function targetOf(request: FastifyRequest): WebhookTarget | null {
  if (request.method !== 'POST') return null;
  const route = request.routeOptions.url;
  if (route === MASTER_WEBHOOK_PATH) return { kind: 'master' };
  if (route === CLIENT_WEBHOOK_PATH) return { kind: 'client', rawBotId: String((request.params as { botId?: unknown }).botId) };
  return null;
}

/**
 * Admission before parsing. Fastify reads and parses a body before any Nest guard or handler runs, so the
 * secret check in the handler alone let anyone make us parse up to 1 MB of JSON per request: a stream of
 * deeply nested bodies without the secret stalled every relay. Here an `onRequest` hook — which runs
 * before the body is read — admits or refuses a webhook call from its path and secret header; a refused
 * body is discarded unread. The JSON parser (for every route) refuses bodies nested deeper than
 * MAX_JSON_DEPTH with 400, checked in one flat pass before parsing. Webhook calls are counted in flight
 * until answered: when they pile up, background work waits for them (IntakeFirst).
 */
@Injectable()
export class WebhookGate implements OnModuleInit {
  /** What the hook decided, for the handler (keyed by the raw request, gone with it). */
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly admission: WebhookAdmission,
    @Optional() private readonly intake?: IntakeFirst,
  ) {}

  /** The hook's decision for this request; null if the gate did not see it (the handler then admits itself). */
  admittedFor(request: IncomingMessage): Admitted | null {
    return this.admitted.get(request) ?? null;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return; // not on Fastify (no HTTP server in this context)
    fastify.addHook('onRequest', async (request, reply) => {
      const target = targetOf(request);
      if (!target) return;
      // A webhook call is in flight until answered or dropped: how busy the intake is (IntakeFirst). The
      // listener goes on before any await, so a call dropped while it is being admitted is still ended.
      if (this.intake) reply.raw.once('close', this.intake.callStarted());
      const secret = request.headers[SECRET_HEADER];
      try {
        this.admitted.set(request.raw, await this.admission.admit(target, typeof secret === 'string' ? secret : undefined));
      } catch (error) {
        if (!(error instanceof HttpException)) throw error; // the directory failing: a 5xx, Telegram retries
        await reply.code(error.getStatus()).send(error.getResponse());
      }
    });
    installDepthBoundJsonParser(fastify);
  }
}

/** Replaces the JSON parser Nest registered by the same one behind a depth check. */
function installDepthBoundJsonParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: fastify.initialConfig.bodyLimit },
    (request, body, done) => {
      const json = body as string;
      if (nestedDeeperThan(json, MAX_JSON_DEPTH)) {
        // An HttpException: Nest answers 400 without logging bad input as a server error.
        done(new BadRequestException(`body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
        return;
      }
      void parseJson(request, json, done); // the callback form: it answers through `done`
    },
  );
}
