import { BannedCustomersProjector } from './banned-customers/banned-customers.projector';
import { ClientBotsProjector } from './client-bots/client-bots.projector';
import { CustomersProjector } from './customers/customers.projector';
import { MasterUsersProjector } from './master-users/master-users.projector';
import { MediaCacheProjector } from './media-cache/media-cache.projector';
import { MessageRefsProjector } from './message-refs/message-refs.projector';
import { Projector } from './runner/projector';
import { ScheduledJobsProjector } from './scheduled-jobs/scheduled-jobs.projector';

export interface ProjectionDefinition {
  name: string;
  /** The tables the projection owns: a rebuild replaces exactly these. */
  tables: readonly string[];
  create: () => Projector;
}

const FACTORIES: (() => Projector)[] = [
  () => new MasterUsersProjector(),
  () => new ClientBotsProjector(),
  () => new MessageRefsProjector(),
  () => new BannedCustomersProjector(),
  () => new MediaCacheProjector(),
  () => new ScheduledJobsProjector(),
  () => new CustomersProjector(),
];

/** Every projection, by name (the checkpoint's name), in a fixed order. */
export const PROJECTIONS: readonly ProjectionDefinition[] = FACTORIES.map((create) => {
  const { name, tables } = create();
  return { name, tables, create };
});

export const PROJECTION_NAMES: readonly string[] = PROJECTIONS.map((p) => p.name);

/** The definitions for `names`; an unknown name is an error that lists the valid ones. */
export function projectionsNamed(names: readonly string[] | 'all'): ProjectionDefinition[] {
  if (names === 'all') return [...PROJECTIONS];
  if (names.length === 0) throw new Error(`no projection named; valid names: ${PROJECTION_NAMES.join(', ')}`);
  const unknown = names.filter((n) => !PROJECTION_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`unknown projection ${unknown.join(', ')}; valid names: ${PROJECTION_NAMES.join(', ')}`);
  return PROJECTIONS.filter((p) => names.includes(p.name));
}
