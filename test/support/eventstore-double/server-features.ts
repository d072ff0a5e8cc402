import type { handleUnaryCall } from '@grpc/grpc-js';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import { countCall, type DoubleContext } from './context';

const method = (service: string, name: string, features: string[] = []) =>
  new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);

/**
 * `ServerFeatures.GetSupportedMethods`: the methods the double serves, lower-cased as the server lists
 * them. The client appends through `BatchAppend` when it is listed and through `Append` otherwise, so
 * `settings.advertiseBatchAppend = false` switches every client connected afterwards to `Append`.
 * `BatchAppend` is listed without the server's `deadline_duration` feature: the client's protocol version
 * sends its deadline as a timestamp, which is what the double reads.
 */
export function serverFeaturesHandler(context: DoubleContext): handleUnaryCall<Empty, SupportedMethods> {
  return (_call, callback) => {
    countCall(context, 'serverFeatures');
    const streams = 'event_store.client.streams.streams';
    const methods = [
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      ...(context.settings.advertiseBatchAppend ? [method(streams, 'batchappend')] : []),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    callback(null, new SupportedMethods().setEventStoreServerVersion(context.settings.serverVersion).setMethodsList(methods));
  };
}
