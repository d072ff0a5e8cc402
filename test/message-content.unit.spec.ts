import { messageContentOf } from '../src/infrastructure/telegram/message-content';
import { TgMessage } from '../src/infrastructure/telegram/telegram-update';

const message = (fields: Record<string, unknown>): TgMessage => ({ message_id: 1, chat: { id: 5, type: 'private' }, ...fields });
const file = (id: string, extra: Record<string, unknown> = {}) => ({
  file_id: `id-${id}`,
  file_unique_id: `u-${id}`,
  file_size: 100,
  ...extra,
});

describe('what a Telegram message carries', () => {
  it('is its text for a text message', () => {
    expect(messageContentOf(message({ text: 'Hello' }))).toEqual({ kind: 'text', text: 'Hello' });
  });

  it('is the largest size of a photo, with its caption', () => {
    const photo = [file('small', { width: 90, height: 60 }), file('big', { width: 1280, height: 853 })];
    expect(messageContentOf(message({ photo, caption: 'our receipt' }))).toEqual({
      kind: 'photo',
      file: { fileId: 'id-big', fileUniqueId: 'u-big', fileSize: 100, width: 1280, height: 853 },
      caption: 'our receipt',
    });
  });

  it.each(['video', 'document', 'voice', 'audio', 'sticker', 'video_note'])('is the file of a %s', (kind) => {
    const content = messageContentOf(message({ [kind]: file(kind, { mime_type: 'x/y', duration: 3 }) }));
    expect(content).toEqual({
      kind,
      file: { fileId: `id-${kind}`, fileUniqueId: `u-${kind}`, fileSize: 100, mimeType: 'x/y', duration: 3 },
    });
  });

  it('is the animation (not its legacy document twin) for a GIF', () => {
    const gif = file('gif', { file_name: 'cat.mp4' });
    expect(messageContentOf(message({ animation: gif, document: gif }))).toMatchObject({
      kind: 'animation',
      file: { fileName: 'cat.mp4' },
    });
  });

  it('keeps what a re-upload needs: file name, audio title and performer, sticker emoji, video note size', () => {
    expect(messageContentOf(message({ document: file('d', { file_name: 'invoice.pdf' }) }))).toMatchObject({
      file: { fileName: 'invoice.pdf' },
    });
    expect(messageContentOf(message({ audio: file('a', { title: 'Song', performer: 'Band' }) }))).toMatchObject({
      file: { title: 'Song', performer: 'Band' },
    });
    expect(messageContentOf(message({ sticker: file('s', { emoji: '👍' }) }))).toMatchObject({ file: { emoji: '👍' } });
    expect(messageContentOf(message({ video_note: file('v', { length: 240 }) }))).toMatchObject({ file: { width: 240, height: 240 } });
  });

  it('is a location or a contact', () => {
    expect(messageContentOf(message({ location: { latitude: 38.72, longitude: -9.14 } }))).toEqual({
      kind: 'location',
      latitude: 38.72,
      longitude: -9.14,
    });
    expect(messageContentOf(message({ contact: { phone_number: '+351 21 000 0000', first_name: 'Ana', user_id: 42 } }))).toEqual({
      kind: 'contact',
      phoneNumber: '+351 21 000 0000',
      firstName: 'Ana',
      userId: 42,
    });
  });

  it('is nothing for kinds that are not relayed, or for a malformed file', () => {
    expect(messageContentOf(message({ poll: { id: '1', question: 'Q?' } }))).toBeNull();
    expect(messageContentOf(message({ dice: { emoji: '🎲', value: 3 } }))).toBeNull();
    expect(messageContentOf(message({ photo: [] }))).toBeNull();
    expect(messageContentOf(message({ video: { file_id: 'no unique id' } }))).toBeNull();
  });
});
