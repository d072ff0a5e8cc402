import { Injectable } from '@nestjs/common';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { TelegramCommand } from './telegram-origin';

/**
 * The many MasterBot intents that are one decision on the master's stream and nothing else: the
 * handler only says which domain command the Telegram command means.
 */
@Injectable()
export abstract class MasterCommandHandler<C extends TelegramCommand & { masterId: number }> {
  constructor(protected readonly aggregates: AggregateStore) {}

  protected abstract toDomain(command: C): MasterUserCommand;

  execute(command: C) {
    return this.aggregates.handle(masterStreamId(command.masterId), masterUserDecider, this.toDomain(command), command.origin);
  }
}
