import { CanActivate, ExecutionContext, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { secretsMatch } from '../../infrastructure/telegram/webhook-admission';

/** The audit HTTP surface's settings; `token` null (AUDIT_TOKEN unset) turns every /audit route off. */
export const AUDIT_HTTP_SETTINGS = Symbol('AUDIT_HTTP_SETTINGS');
export interface AuditHttpSettings {
  token: string | null;
}

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/**
 * Off means absent: with no AUDIT_TOKEN the routes answer exactly like routes that do not exist, so a
 * scan learns nothing. Audit answers are never cached anywhere on the way.
 */
@Injectable()
export class AuditEnabledGuard implements CanActivate {
  constructor(@Inject(AUDIT_HTTP_SETTINGS) private readonly settings: AuditHttpSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.settings.token === null) throw new NotFoundException(`Cannot ${request.method} ${request.url.split('?')[0]}`);
    context.switchToHttp().getResponse<FastifyReply>().header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    return true;
  }
}

/** `Authorization: Bearer <AUDIT_TOKEN>`, compared in constant time; 401 with `WWW-Authenticate: Bearer` otherwise. */
@Injectable()
export class AuditBearerGuard implements CanActivate {
  constructor(@Inject(AUDIT_HTTP_SETTINGS) private readonly settings: AuditHttpSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const header = http.getRequest<FastifyRequest>().headers.authorization;
    const given = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const expected = this.settings.token;
    if (expected !== null && secretsMatch(given, expected)) return true;
    http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="audit"');
    throw new UnauthorizedException(
      given === undefined ? 'audit token required: send Authorization: Bearer <AUDIT_TOKEN>' : 'wrong audit token',
    );
  }
}
