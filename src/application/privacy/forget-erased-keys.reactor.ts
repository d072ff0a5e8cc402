import { Inject, Injectable } from '@nestjs/common';
import { conversationId, ConversationEventOf } from '../../domain/conversation/conversation.events';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { Reactor } from '../reactors/reactor';

type Handled = ConversationEventOf<'CustomerContentErased'>;

/**
 * `privacy erase` runs in its own process: it deletes the conversation's key from the vault file, but
 * this process may still hold the unwrapped key in memory. On the recorded erasure it drops that copy,
 * so nothing sealed before can be opened here either. (New content gets a new key: see the vault's seal.)
 *
 * Safe to repeat, and needs no outcome: forgetting a key twice is forgetting it once.
 */
@Injectable()
export class ForgetErasedKeysReactor implements Reactor<Handled> {
  readonly name = 'forget-erased-keys';
  readonly handles: TypesOf<Handled> = ['CustomerContentErased'];

  constructor(@Inject(CONTENT_VAULT) private readonly vault: ContentVault) {}

  key(event: RecordedEvent<Handled>): string {
    return event.streamId;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    const { botId, customerId } = event.data;
    this.vault.forget(conversationId(botId, customerId));
  }
}
