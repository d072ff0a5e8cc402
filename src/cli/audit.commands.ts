import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AuditEntry, AuditLog } from '../audit/audit-log';
import { Anchor, ChainVerifier, InvalidAnchorError, VerifyReport } from '../audit/chain-verifier';
import { CliResources } from './cli-resources';
import { CliUsageError, EXIT, oneOf, optionalDate, positiveId, runCommandGroup } from './cli-errors';
import { ProgressLine, table, thousands, writeJson, writeLine } from './output';

const FORMATS = ['table', 'json', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

interface HistoryOptions {
  master?: string;
  from?: string;
  to?: string;
  format?: string;
}

/** Shared by `audit timeline` and `audit stream`: one way to print a piece of history. */
@Injectable() // so the subclasses inherit the constructor's injection metadata
abstract class HistoryCommand extends CommandRunner {
  constructor(protected readonly resources: CliResources) {
    super();
  }

  @Option({ flags: '--from <time>', description: 'only events recorded at or after this ISO time' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--to <time>', description: 'only events recorded at or before this ISO time' })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--format <format>', description: 'table (default), json, or ndjson for export' })
  parseFormat(value: string): string {
    return value;
  }

  protected async print(target: { masterId: number } | { streamId: string }, options: HistoryOptions): Promise<void> {
    const format: Format = oneOf('--format', options.format, FORMATS, 'table');
    const from = optionalDate('--from', options.from);
    const to = optionalDate('--to', options.to);
    if (from && to && from > to) throw new CliUsageError('--from must not be after --to');
    const log = new AuditLog(await this.resources.eventStore());
    const entries = log.export('masterId' in target ? target.masterId : { streamId: target.streamId }, { from, to });
    if (format === 'ndjson') {
      for await (const entry of entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
      return;
    }
    const all: AuditEntry[] = [];
    for await (const entry of entries) all.push(entry);
    if (format === 'json') return writeJson(all);
    if (all.length === 0) return writeLine('No events match.');
    writeLine(
      table(
        ['recorded at (UTC)', 'stream', 'rev', 'event', 'trigger', 'from → to', 'correlation', 'details'],
        all.map((e) => [
          e.recordedAt.replace('T', ' ').replace('Z', ''),
          e.streamId,
          String(e.revision),
          e.schemaVersion > 1 ? `${e.type} v${e.schemaVersion}` : e.type,
          e.trigger ?? '—',
          e.transition ? `${e.transition.from} → ${e.transition.to}` : '',
          e.correlationId,
          details(e.data),
        ]),
      ),
    );
    writeLine(`\n${thousands(all.length)} event(s). Tokens are redacted and message content stays sealed; use --format ndjson to export.`);
  }
}

/** The scalar fields of an event's (already redacted) data, short enough for a table cell. */
function details(data: Record<string, unknown>): string {
  const text = Object.entries(data)
    .filter(([key, value]) => key !== 'masterId' && value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean)}`)
    .join(' ');
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

@SubCommand({ name: 'timeline', description: "every event about one master, in order, with the state machine's from → to" })
export class AuditTimelineCommand extends HistoryCommand {
  @Option({ flags: '--master <telegramUserId>', description: "the master's Telegram user id", required: true })
  parseMaster(value: string): string {
    return value;
  }

  async run(_params: string[], options: HistoryOptions): Promise<void> {
    await this.print({ masterId: positiveId('--master', options.master) }, options);
  }
}

@SubCommand({ name: 'stream', arguments: '<streamId>', description: 'every event of one stream (e.g. master-42, conversation-7-99)' })
export class AuditStreamCommand extends HistoryCommand {
  async run([streamId]: string[], options: HistoryOptions): Promise<void> {
    if (!/^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,199}$/.test(streamId ?? ''))
      throw new CliUsageError(`not a stream id: ${JSON.stringify(streamId)}`);
    await this.print({ streamId }, options);
  }
}

@SubCommand({
  name: 'verify',
  arguments: '[streamId]',
  description: 'check the hash chain of one stream, or of every stream with --all; exit code 1 when a link is broken',
})
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly resources: CliResources) {
    super();
  }

  @Option({ flags: '--all', description: 'verify every stream' })
  parseAll(): boolean {
    return true;
  }

  @Option({ flags: '--format <format>', description: 'text (default) or json' })
  parseFormat(value: string): string {
    return value;
  }

  async run([streamId]: string[], options: { all?: boolean; format?: string }): Promise<void> {
    const format = oneOf('--format', options.format, ['text', 'json'] as const, 'text');
    if (!streamId === !options.all) throw new CliUsageError('give either one stream id or --all');
    const verifier = new ChainVerifier(await this.resources.eventStore());
    const progress = new ProgressLine();
    const report = streamId
      ? await verifier.verifyStream(streamId)
      : await verifier.verifyAll((p) => progress.update(`verifying… ${thousands(p.events)} events in ${thousands(p.streams)} streams`));
    progress.done();
    if (streamId && report.events === 0) {
      // Nothing recorded under that id: a typo, or a stream that is gone — either way not a pass.
      process.stderr.write(`no events in stream ${streamId}: check the id (see \`audit timeline\`)\n`);
      process.exitCode = EXIT.failed;
      return;
    }
    if (format === 'json') writeJson(report);
    else printReport(report);
    if (!report.ok) process.exitCode = EXIT.failed;
  }
}

function printReport(report: VerifyReport): void {
  if (report.unchainedEvents > 0) {
    writeLine(
      `Note: ${thousands(report.unchainedEvents)} event(s) at the start of their streams were written before the hash chain existed; ` +
        'they are not covered (only the last of each, through the link of the first sealed event after it).',
    );
  }
  if (report.ok) {
    writeLine(
      `OK — ${report.scope}: ${thousands(report.events)} event(s) in ${thousands(report.streams)} stream(s); every hash and every link checks out.`,
    );
    return;
  }
  const broken = report.breaks.length + (report.omittedBreaks ?? 0);
  writeLine(`BROKEN — ${report.scope}: ${broken} stream(s) with a broken chain (${thousands(report.events)} event(s) read).`);
  for (const b of report.breaks) {
    writeLine(
      `  ${b.streamId} @ revision ${b.revision} (position ${b.position}, ${b.type}, event ${b.eventId}): ${b.reason} — ${b.message}`,
    );
  }
  if (report.omittedBreaks) writeLine(`  … and ${report.omittedBreaks} more stream(s) (use --format json, or verify them one by one).`);
  writeLine('The first break of each stream is shown; everything after it in that stream cannot be trusted.');
}

@SubCommand({
  name: 'anchor',
  description:
    'print the current chain heads and their root hash (store it outside the system); --check <file> compares with a stored anchor',
})
export class AuditAnchorCommand extends CommandRunner {
  constructor(private readonly resources: CliResources) {
    super();
  }

  @Option({ flags: '--check <file>', description: 'an anchor printed earlier: are its chain heads all still there, unchanged?' })
  parseCheck(value: string): string {
    return value;
  }

  @Option({ flags: '--root <sha256>', description: "with --check: the root you kept outside the system; the file's heads must hash to it" })
  parseRoot(value: string): string {
    return value;
  }

  async run(_params: string[], options: { check?: string; root?: string }): Promise<void> {
    if (options.root !== undefined && options.check === undefined) throw new CliUsageError('--root goes with --check <file>');
    if (options.root !== undefined && !/^[0-9a-f]{64}$/i.test(options.root))
      throw new CliUsageError('--root must be the 64 hex characters `audit anchor` printed as "root"');
    const verifier = new ChainVerifier(await this.resources.eventStore());
    if (options.check === undefined) return writeJson(await verifier.anchor());
    let anchor: Anchor;
    try {
      anchor = JSON.parse(readFileSync(options.check, 'utf8')) as Anchor;
    } catch (error) {
      throw new CliUsageError(`cannot read an anchor from ${options.check}: ${(error as Error).message}`);
    }
    if (!anchor || typeof anchor.root !== 'string' || !Array.isArray(anchor.heads)) {
      throw new CliUsageError(`${options.check} is not an anchor printed by \`audit anchor\``);
    }
    let result;
    try {
      result = await verifier.checkAnchor(anchor, { expectedRoot: options.root?.toLowerCase() });
    } catch (error) {
      if (error instanceof InvalidAnchorError) throw new CliUsageError(`${options.check}: ${error.message}`);
      throw error;
    }
    if (result.ok) {
      writeLine(
        `OK — all ${thousands(anchor.heads.length)} chain head(s) anchored at ${anchor.takenAt} are still in place (root ${anchor.root}).`,
      );
      if (options.root === undefined) writeLine('Pass --root <the root you kept elsewhere> to also prove this file was not edited.');
      return;
    }
    writeLine(`MISMATCH — the history no longer contains what was anchored at ${anchor.takenAt}:`);
    for (const problem of result.problems) writeLine(`  ${problem}`);
    process.exitCode = EXIT.failed;
  }
}

@Command({
  name: 'audit',
  description: 'read the event history: timelines, streams, hash-chain verification, anchors',
  subCommands: [AuditTimelineCommand, AuditStreamCommand, AuditVerifyCommand, AuditAnchorCommand],
})
export class AuditCommand extends CommandRunner {
  async run(params: string[]): Promise<void> {
    runCommandGroup(this.command, params);
  }
}

export const AUDIT_COMMANDS = [AuditCommand, AuditTimelineCommand, AuditStreamCommand, AuditVerifyCommand, AuditAnchorCommand];
