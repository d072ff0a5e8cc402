import { MessageContent } from '../../domain/shared/message-content';

/** Who wrote: what the relay's header names. Customer data, so it only ever travels sealed. */
export interface CustomerName {
  firstName: string;
  lastName?: string;
  username?: string;
  /** The customer's app language (`language_code`), shown on their topic's card (M12); absent before it was kept. */
  languageCode?: string;
}

/** What a relay needs to finish after a crash, sealed under the conversation's key. */
export interface RelayContent {
  content: MessageContent;
  customer: CustomerName;
}

/** What a delivery needs: the master's reply (its file ids belong to the MasterBot). */
export interface ReplyContent {
  content: MessageContent;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Events sealed before media relay held `{ text }` instead of `{ content }`: both still open. */
function contentOf(opened: Record<string, unknown>): MessageContent | null {
  if (isObject(opened.content) && typeof opened.content.kind === 'string') return opened.content as unknown as MessageContent;
  if (typeof opened.text === 'string') return { kind: 'text', text: opened.text };
  return null;
}

/** null when nothing readable was sealed (or the content was erased). */
export function readRelayContent(opened: unknown): RelayContent | null {
  if (!isObject(opened)) return null;
  const content = contentOf(opened);
  if (!content) return null;
  const customer =
    isObject(opened.customer) && typeof opened.customer.firstName === 'string'
      ? (opened.customer as unknown as CustomerName)
      : { firstName: 'A customer' };
  return { content, customer };
}

export function readReplyContent(opened: unknown): ReplyContent | null {
  if (!isObject(opened)) return null;
  const content = contentOf(opened);
  return content ? { content } : null;
}

/** "Alice Smith (@alice)". */
export function customerLabel(customer: CustomerName): string {
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ');
  return `${name}${customer.username ? ` (@${customer.username})` : ''}`;
}
