import { BadRequestException, Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { AuditLog, AuditPage, TransitionsReport } from '../audit-log';
import { AuditQueryError, checkStreamId, parseHttpQuery, parseMasterId } from '../audit-query';
import { ChainVerifier, VerifyReport } from '../chain-verifier';
import { AuditBearerGuard, AuditEnabledGuard } from './audit-access.guard';

/** Events one timeline request may read before answering with a cursor to go on (bounds a request on a large store). */
export const HTTP_MAX_SCAN = 200_000;

/**
 * The audit API (A3): read-only JSON over the audit log and the hash-chain verifier, behind AUDIT_TOKEN.
 * Pages are `{ entries, next, scanned }`; pass `next` back as `after` for the following page.
 */
@Controller('audit/api')
@UseGuards(AuditEnabledGuard, AuditBearerGuard)
export class AuditApiController {
  /** A whole-store verification in progress: concurrent requests share it instead of each reading the whole history. */
  private verifyingAll: Promise<VerifyReport> | null = null;

  constructor(
    private readonly log: AuditLog,
    private readonly verifier: ChainVerifier,
  ) {}

  @Get('masters/:masterId/timeline')
  timeline(@Param('masterId') masterId: string, @Query() query: Record<string, unknown>): Promise<AuditPage> {
    return badRequestOnQueryError(() => this.log.timeline(parseMasterId(masterId), { ...parseHttpQuery(query), maxScan: HTTP_MAX_SCAN }));
  }

  @Get('masters/:masterId/transitions')
  transitions(@Param('masterId') masterId: string): Promise<TransitionsReport> {
    return badRequestOnQueryError(() => this.log.transitions(parseMasterId(masterId)));
  }

  @Get('streams/:streamId')
  stream(@Param('streamId') streamId: string, @Query() query: Record<string, unknown>): Promise<AuditPage> {
    return badRequestOnQueryError(() => this.log.stream(checkStreamId(streamId), parseHttpQuery(query)));
  }

  /** `?stream=<id>`: that stream's chain; without it, every stream's. */
  @Get('verify')
  verify(@Query() query: Record<string, unknown>): Promise<VerifyReport> {
    return badRequestOnQueryError(() => {
      const stream = query.stream;
      if (stream === undefined) return this.verifyAllOnce();
      if (typeof stream !== 'string') throw new AuditQueryError('stream must be given once');
      return this.verifier.verifyStream(checkStreamId(stream));
    });
  }

  private verifyAllOnce(): Promise<VerifyReport> {
    this.verifyingAll ??= this.verifier.verifyAll().finally(() => {
      this.verifyingAll = null;
    });
    return this.verifyingAll;
  }
}

/** A bad query is the caller's mistake (400 with the reason); anything else stays a 500. */
async function badRequestOnQueryError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuditQueryError) throw new BadRequestException(error.message);
    throw error;
  }
}
