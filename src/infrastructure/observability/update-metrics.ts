import type { FastifyInstance } from 'fastify';
import { BadUpdateError } from '../telegram/telegram-update';
import { AppMetrics } from './app-metrics';

/** Why a webhook call was not recorded, from the status we answered (whichever layer answered it). */
export function webhookRejectionCause(status: number): string {
  if (status === 400) return 'malformed';
  if (status === 401 || status === 403) return 'wrong_secret';
  if (status === 404) return 'unknown_bot';
  if (status === 413) return 'too_large';
  if (status === 415) return 'not_json';
  if (status >= 500) return 'not_recorded';
  return `http_${status}`;
}

/**
 * Counts webhook updates where every answer is visible, the HTTP response: 2xx means recorded (the
 * webhook answers 2xx only then), anything else is a rejection by its status — also those answered
 * before our controller runs (body too large, malformed JSON, a secret checked before parsing).
 */
export function countWebhookUpdates(fastify: FastifyInstance, metrics: AppMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url;
    if (request.method === 'POST' && path.startsWith('/telegram/')) {
      const bot = path.startsWith('/telegram/master') ? 'master' : 'client';
      const labels = { transport: 'webhook', bot };
      metrics.updatesReceived.inc(labels);
      if (reply.statusCode < 300) metrics.updatesRecorded.inc(labels);
      else metrics.updatesRejected.inc({ ...labels, cause: webhookRejectionCause(reply.statusCode) });
    }
    done();
  });
}

/**
 * Counts one polled update around its recording. A malformed update is skipped by the poller (it would
 * never record); any other failure is retried from the same offset, and counted each time.
 */
export async function countPolledUpdate(metrics: AppMetrics, bot: 'master' | 'client', record: () => Promise<void>): Promise<void> {
  const labels = { transport: 'polling', bot };
  metrics.updatesReceived.inc(labels);
  try {
    await record();
    metrics.updatesRecorded.inc(labels);
  } catch (error) {
    metrics.updatesRejected.inc({ ...labels, cause: error instanceof BadUpdateError ? 'malformed' : 'not_recorded' });
    throw error;
  }
}
