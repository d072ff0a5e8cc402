import { Sealed } from '../shared/sealed';
import { RejectionReason, ReplyTarget } from './master-user.events';

/** What the handler learned about a pasted token before deciding (format, getMe, ownership, webhook). */
export type TokenVerdict =
  | { valid: true; botId: number; username: string; encryptedToken: string }
  | { valid: false; reason: Extract<RejectionReason, `token_${string}` | 'webhook_registration_failed'> };

export type MasterUserCommand =
  | { type: 'Start'; masterId: number; firstName: string }
  | { type: 'RequestAddBot'; masterId: number }
  | { type: 'SubmitBotToken'; masterId: number; messageId: number; verdict: TokenVerdict; botLimit: number }
  | { type: 'RequestRemoveBot'; masterId: number }
  | { type: 'ChooseBotToRemove'; masterId: number; botId: number }
  | { type: 'Cancel'; masterId: number }
  | { type: 'UnknownCommand'; masterId: number; command: string }
  | { type: 'StartResponding'; masterId: number; target: ReplyTarget | null }
  | {
      type: 'Reply';
      masterId: number;
      replyId: string;
      masterMessageId: number;
      /** null when the replied-to message is not a relayed message in this master's chat. */
      target: ReplyTarget | null;
      content: Sealed | null;
    }
  /** A message that is neither a command nor a reply (what it means depends on the state). */
  | { type: 'PlainMessage'; masterId: number; messageId: number };
