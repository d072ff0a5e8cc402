import { isMediaKind, MessageContent } from '../../domain/shared/message-content';

/** What an edit can change on the customer's copy: a text's text, or a media message's caption. */
export interface AnswerWords {
  kind: 'text' | 'caption';
  /** For a caption, '' removes it. */
  text: string;
}

/**
 * The words of an edited answer, or null when the edit changes nothing a bot can edit on the copy: a live
 * location "edits" itself every few seconds (each an `edited_message`), and stickers, video notes and
 * contacts carry no words. Those edits are not even recorded.
 */
export function answerWords(content: MessageContent): AnswerWords | null {
  if (content.kind === 'text') return { kind: 'text', text: content.text };
  if (isMediaKind(content.kind) && content.kind !== 'sticker' && content.kind !== 'video_note') {
    return { kind: 'caption', text: 'caption' in content ? (content.caption ?? '') : '' };
  }
  return null;
}
