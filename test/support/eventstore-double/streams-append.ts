import type { handleBidiStreamingCall, handleClientStreamingCall, ServiceError } from '@grpc/grpc-js';
import { AllStreamPosition, Empty } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { batchStatus, errors, streamIdentifier, streamName, uuidToString } from './codec';
import type { Expected } from './commit-check';
import { countCall, delayedWrite, notLeaderFault, type DoubleContext } from './context';
import type { ProposedEvent, WriteOutcome } from './log';

type Proposed = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

/** A proposed message as the server reads it: `type` and `content-type` are required metadata. */
function toProposed(message: Proposed): ProposedEvent | ServiceError {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) return errors.missingMetadata('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) return errors.missingMetadata('content-type');
  return { id: uuidToString(message.getId()), type, contentType, data: message.getData_asU8(), metadata: message.getCustomMetadata_asU8() };
}

/** The server's `Event.SizeOnDisk`, which `MaxAppendSize` limits (type counted as UTF-16). */
const sizeOnDisk = (event: ProposedEvent) => event.data.length + event.metadata.length + event.type.length * 2;

function appendExpected(options: AppendReq.Options): Expected | undefined {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return undefined;
}

function batchExpected(options: BatchAppendReq.Options): Expected | undefined {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return undefined;
}

function write(context: DoubleContext, stream: string, expected: Expected, events: ProposedEvent[]): WriteOutcome {
  const outcome = context.log.write(stream, expected, events);
  if (outcome.kind === 'written' && events.length > 0) context.system.afterAppend();
  return outcome;
}

function callSignal(context: DoubleContext, call: { on(event: 'cancelled', listener: () => void): unknown }): AbortSignal {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort());
  return AbortSignal.any([controller.signal, context.stopSignal]);
}

/** `Streams.Append`: options first, then one message per event; one answer when the client ends its side. */
export function appendHandler(context: DoubleContext): handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    countCall(context, 'append');
    const signal = callSignal(context, call);
    let options: AppendReq.Options | undefined;
    let failure: ServiceError | undefined;
    let size = 0;
    const events: ProposedEvent[] = [];
    call.on('data', (request: AppendReq) => {
      if (failure) return;
      if (!options) {
        options = request.getOptions();
        if (!options) failure = errors.invalidArgument('the first message of an append must carry its options');
        return;
      }
      const message = request.getProposedMessage();
      const proposed = message ? toProposed(message) : errors.invalidArgument('expected a proposed message');
      if (proposed instanceof Error) failure = proposed;
      else if ((size += sizeOnDisk(proposed)) > context.settings.maxAppendSize)
        failure = errors.maxAppendSize(context.settings.maxAppendSize);
      else events.push(proposed);
    });
    call.on('end', () => {
      let answered = false;
      const answer = (error: ServiceError | null, response?: AppendResp) => {
        if (answered) return;
        answered = true;
        callback(error, response);
      };
      const expected = options && appendExpected(options);
      if (failure || !options || !expected)
        return answer(failure ?? errors.invalidArgument('an append needs its stream and expected revision'));
      const leader = notLeaderFault(context);
      if (leader) return answer(leader);
      const stream = streamName(options.getStreamIdentifier());
      void delayedWrite(
        context,
        signal,
        () => write(context, stream, expected, events),
        () => answer(errors.timeout('PrepareTimeout')),
      ).then((outcome) => {
        if (!outcome) return;
        if (outcome.kind === 'deleted') return answer(errors.streamDeleted(stream));
        answer(null, toAppendResp(outcome, expected));
      });
    });
  };
}

function toAppendResp(outcome: Exclude<WriteOutcome, { kind: 'deleted' }>, expected: Expected): AppendResp {
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.current < 0n) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentRevision(outcome.current.toString());
    if (expected.kind === 'any') wrong.setExpectedAny(new Empty());
    if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
    if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
    if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
    return new AppendResp().setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  if (outcome.lastRevision < 0n) success.setNoStream(new Empty());
  else success.setCurrentRevision(outcome.lastRevision.toString());
  if (outcome.position < 0n) success.setNoPosition(new Empty());
  else
    success.setPosition(
      new AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()),
    );
  return new AppendResp().setSuccess(success);
}

interface PendingBatch {
  stream: string;
  expected: Expected;
  events: ProposedEvent[];
  size: number;
}

/**
 * `Streams.BatchAppend`: one long-lived duplex call per client; each batch is a correlation id, options in
 * its first message, events over one or more messages until `is_final`; each batch gets its own answer.
 * The options' deadline is checked when they arrive (an expired one is answered "timeout" at once).
 */
export function batchAppendHandler(context: DoubleContext): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    countCall(context, 'batchAppend');
    const signal = callSignal(context, call);
    const pending = new Map<string, PendingBatch>();
    let inFlight = 0;
    let ended = false;
    const send = (response: BatchAppendResp) => {
      if (!call.cancelled && !call.writableEnded) call.write(response);
    };
    const finishIfDone = () => {
      if (ended && inFlight === 0 && !call.writableEnded) call.end();
    };
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      const key = uuidToString(correlation);
      const answer = (stream: string) => new BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(streamIdentifier(stream));
      const options = request.getOptions();
      if (options) {
        const stream = streamName(options.getStreamIdentifier());
        const expected = batchExpected(options);
        if (!expected) return send(answer(stream).setError(batchStatus.badRequest('expected stream position not set')));
        const deadline = options.getDeadline()?.toDate().getTime() ?? Infinity;
        if (deadline <= Date.now()) return send(answer(stream).setError(batchStatus.timeout()));
        pending.set(key, { stream, expected, events: [], size: 0 });
      }
      const batch = pending.get(key);
      if (!batch) return;
      for (const message of request.getProposedMessagesList()) {
        const proposed = toProposed(message);
        if (proposed instanceof Error) {
          pending.delete(key);
          return send(answer(batch.stream).setError(batchStatus.badRequest(proposed.message)));
        }
        batch.size += sizeOnDisk(proposed);
        batch.events.push(proposed);
      }
      if (batch.size > context.settings.maxAppendSize) {
        pending.delete(key);
        return send(answer(batch.stream).setError(batchStatus.maxAppendSize(context.settings.maxAppendSize)));
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      countCall(context, 'batch');
      const leader = notLeaderFault(context);
      // The server fails the whole call when a batch meets a follower, not just that batch.
      if (leader) return void call.emit('error', leader);
      inFlight += 1;
      let answered = false;
      const reply = (response: BatchAppendResp) => {
        if (answered) return;
        answered = true;
        send(response);
      };
      void delayedWrite(
        context,
        signal,
        () => write(context, batch.stream, batch.expected, batch.events),
        () => reply(answer(batch.stream).setError(batchStatus.timeout())),
      ).then((outcome) => {
        inFlight -= 1;
        if (outcome) reply(toBatchResp(answer(batch.stream), outcome, batch));
        finishIfDone();
      });
    });
    call.on('end', () => {
      ended = true;
      finishIfDone();
    });
  };
}

function toBatchResp(response: BatchAppendResp, outcome: WriteOutcome, batch: PendingBatch): BatchAppendResp {
  switch (outcome.kind) {
    case 'deleted':
      return response.setError(batchStatus.streamDeleted(batch.stream));
    case 'wrong-expected-version':
      return response.setError(batchStatus.wrongExpectedVersion(outcome.current, batch.expected));
    case 'written':
    case 'idempotent': {
      const success = new BatchAppendResp.Success();
      if (outcome.lastRevision < 0n) success.setNoStream(new ProtoEmpty());
      else success.setCurrentRevision(outcome.lastRevision.toString());
      if (outcome.position < 0n) success.setNoPosition(new ProtoEmpty());
      else
        success.setPosition(
          new AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()),
        );
      return response.setSuccess(success);
    }
  }
}
