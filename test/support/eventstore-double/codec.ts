import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Code } from '@eventstore/db-client/generated/code_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import type { Expected } from './commit-check';
import type { StoredEvent } from './log';

/**
 * Conversions between the double's records and the protocol messages the client ships
 * (`@eventstore/db-client/generated`), and the errors in the shapes the server sends them: gRPC statuses
 * with an `exception` trailer for unary and read calls, `google.rpc.Status` with packed details for
 * batch appends.
 */

export function streamName(identifier: shared.StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function streamIdentifier(name: string): shared.StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));
}

/** A UUID in either of its two wire forms, as a lower-case string. */
export function uuidToString(uuid: shared.UUID | undefined): string {
  if (!uuid) return '';
  const structured = uuid.getStructured();
  if (!structured) return uuid.getString().toLowerCase();
  const hex = (bits: string) => BigInt.asUintN(64, BigInt(bits)).toString(16).padStart(16, '0');
  const all = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${all.slice(0, 8)}-${all.slice(8, 12)}-${all.slice(12, 16)}-${all.slice(16, 20)}-${all.slice(20)}`;
}

export function uuidMessage(id: string, structured: boolean): shared.UUID {
  const uuid = new shared.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const signed = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  return uuid.setStructured(
    new shared.UUID.Structured().setMostSignificantBits(signed(hex.slice(0, 16))).setLeastSignificantBits(signed(hex.slice(16))),
  );
}

export function toRecordedEvent(event: StoredEvent, structuredIds: boolean): ReadResp.ReadEvent.RecordedEvent {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('created', event.created.toString());
  metadata.set('content-type', event.contentType === 'application/json' ? 'application/json' : 'application/octet-stream');
  return recorded;
}

export function eventResponse(event: StoredEvent, structuredIds: boolean): ReadResp {
  const readEvent = new ReadResp.ReadEvent().setEvent(toRecordedEvent(event, structuredIds)).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(readEvent);
}

/** A gRPC error as the server raises it (`RpcExceptions`): status, text, and trailers the client maps. */
export function rpcError(code: status, details: string, trailers: Record<string, string> = {}): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export const errors = {
  streamDeleted: (name: string) =>
    rpcError(status.FAILED_PRECONDITION, `Event stream '${name}' is deleted.`, { exception: 'stream-deleted', 'stream-name': name }),
  notLeader: (host: string, port: number) =>
    rpcError(status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': host,
      'leader-endpoint-port': String(port),
    }),
  invalidPosition: () => rpcError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'),
  timeout: (what: string) => rpcError(status.ABORTED, `Operation timed out: ${what}`),
  maxAppendSize: (max: number) =>
    rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(max),
    }),
  missingMetadata: (property: string) =>
    rpcError(status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    }),
  invalidArgument: (text: string) => rpcError(status.INVALID_ARGUMENT, text),
};

function packed(code: Code, message: string, details: { serializeBinary(): Uint8Array }, typeName: string): Status {
  const any = new Any();
  any.pack(details.serializeBinary(), typeName);
  return new Status().setCode(code).setMessage(message).setDetails(any);
}

/** Batch-append failures, as `google.rpc.Status` with the packed detail the client unpacks. */
export const batchStatus = {
  wrongExpectedVersion: (current: bigint, expected: Expected) => {
    const details = new shared.WrongExpectedVersion();
    if (current < 0n) details.setCurrentNoStream(new ProtoEmpty());
    else details.setCurrentStreamRevision(current.toString());
    switch (expected.kind) {
      case 'any':
        details.setExpectedAny(new ProtoEmpty());
        break;
      case 'no_stream':
        details.setExpectedNoStream(new ProtoEmpty());
        break;
      case 'stream_exists':
        details.setExpectedStreamExists(new ProtoEmpty());
        break;
      case 'revision':
        details.setExpectedStreamPosition(expected.revision.toString());
        break;
    }
    return packed(Code.ALREADY_EXISTS, 'WrongExpectedVersion', details, 'event_store.client.WrongExpectedVersion');
  },
  streamDeleted: (name: string) =>
    packed(
      Code.NOT_FOUND,
      'StreamDeleted',
      new shared.StreamDeleted().setStreamIdentifier(streamIdentifier(name)),
      'event_store.client.StreamDeleted',
    ),
  timeout: () => packed(Code.DEADLINE_EXCEEDED, 'Timeout', new shared.Timeout(), 'event_store.client.Timeout'),
  maxAppendSize: (max: number) =>
    packed(
      Code.INVALID_ARGUMENT,
      'MaximumAppendSizeExceeded',
      new shared.MaximumAppendSizeExceeded().setMaxappendsize(max),
      'event_store.client.MaximumAppendSizeExceeded',
    ),
  badRequest: (text: string) =>
    packed(Code.INVALID_ARGUMENT, 'BadRequest', new shared.BadRequest().setMessage(text), 'event_store.client.BadRequest'),
};
