export { EventStoreDouble, type EventStoreDoubleOptions } from './server';
export type { DoubleFaults, DoubleSettings } from './context';
export type { StoredEvent } from './log';
