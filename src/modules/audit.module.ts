import { DynamicModule, Module } from '@nestjs/common';
import { AUDIT_CONTROLLERS, auditProviders } from '../audit/audit.http';

/** The audit timeline over HTTP (/audit), a 404 everywhere when AUDIT_TOKEN is unset. */
@Module({})
export class AuditModule {
  static forRoot(auditToken: string | null): DynamicModule {
    return { module: AuditModule, controllers: AUDIT_CONTROLLERS, providers: auditProviders(auditToken) };
  }
}
