import { answerWords } from '../src/application/edit-answer/answer-words';
import { FileRef } from '../src/domain/shared/message-content';

/** M13: what of an edited answer can reach the customer's copy (and so is worth recording at all). */
describe('the words of an edited answer', () => {
  const file: FileRef = { fileId: 'f', fileUniqueId: 'u' };

  it("a text answer's edit is its new text", () => {
    expect(answerWords({ kind: 'text', text: 'At 9, sorry.' })).toEqual({ kind: 'text', text: 'At 9, sorry.' });
  });

  it("a captioned media answer's edit is its new caption; a removed caption is an empty one", () => {
    expect(answerWords({ kind: 'photo', file, caption: 'navy blue' })).toEqual({ kind: 'caption', text: 'navy blue' });
    expect(answerWords({ kind: 'document', file })).toEqual({ kind: 'caption', text: '' });
  });

  it('a live location moving, a sticker, a video note or a contact has no words to edit', () => {
    expect(answerWords({ kind: 'location', latitude: 48.1, longitude: 11.5 })).toBeNull();
    expect(answerWords({ kind: 'sticker', file })).toBeNull();
    expect(answerWords({ kind: 'video_note', file })).toBeNull();
    expect(answerWords({ kind: 'contact', phoneNumber: '+49', firstName: 'Ada' })).toBeNull();
  });
});
