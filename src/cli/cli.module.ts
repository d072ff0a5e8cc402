import { Module } from '@nestjs/common';
import { AUDIT_COMMANDS } from './audit.commands';
import { CliResources } from './cli-resources';
import { PRIVACY_COMMANDS } from './privacy.commands';
import { PROJECTIONS_COMMANDS } from './projections.commands';

/** The operator's CLI: `npm run --silent cli -- <audit|projections|privacy> …`. */
@Module({ providers: [CliResources, ...AUDIT_COMMANDS, ...PROJECTIONS_COMMANDS, ...PRIVACY_COMMANDS] })
export class CliModule {}
