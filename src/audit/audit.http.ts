import { Provider, Type } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../application/ports/event-store.port';
import { AUDIT_LOG_PROVIDER } from './audit-log';
import { ChainVerifier } from './chain-verifier';
import { AuditApiController } from './http/audit-api.controller';
import { AUDIT_HTTP_SETTINGS, AuditBearerGuard, AuditEnabledGuard, AuditHttpSettings } from './http/audit-access.guard';
import { AuditPageController } from './http/audit-page.controller';

/** The audit HTTP surface (A3): register these in the app module. */
export const AUDIT_CONTROLLERS: Type<unknown>[] = [AuditApiController, AuditPageController];

/** Providers behind AUDIT_CONTROLLERS; `auditToken` null (AUDIT_TOKEN unset) makes every /audit route a 404. */
export function auditProviders(auditToken: string | null): Provider[] {
  const settings: AuditHttpSettings = { token: auditToken };
  return [
    { provide: AUDIT_HTTP_SETTINGS, useValue: settings },
    AUDIT_LOG_PROVIDER,
    { provide: ChainVerifier, useFactory: (store: EventStore) => new ChainVerifier(store), inject: [EVENT_STORE] },
    AuditEnabledGuard,
    AuditBearerGuard,
  ];
}
