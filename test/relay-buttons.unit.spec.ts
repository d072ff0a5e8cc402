import {
  MalformedRelayButtonError,
  readRelayButton,
  relayButtonData,
  relayButtons,
  relayedFromKeyboard,
} from '../src/application/reactors/relay-buttons';

/** The relay's ✍ Reply / 🚫 Ban buttons carry which customer message the copy is (ids only). */
describe('relay button data', () => {
  const from = { botId: 6_100_200_300, customerId: 7_000_000_123, customerMessageId: 4821 };

  it('names the customer message a copy relays, and reads back as the same one', () => {
    const [[reply, ban]] = relayButtons(from);
    expect(reply).toEqual({ text: '✍ Reply', callbackData: 'reply:6100200300:7000000123:4821' });
    expect(ban).toEqual({ text: '🚫 Ban', callbackData: 'ban:6100200300:7000000123:4821' });
    expect(readRelayButton('reply:6100200300:7000000123:4821')).toEqual({ action: 'reply', relayedFrom: from });
    expect(readRelayButton('ban:6100200300:7000000123:4821')).toEqual({ action: 'ban', relayedFrom: from });
  });

  it('fits Telegram’s 64 bytes of callback data for the largest ids there can be', () => {
    const largest = Number.MAX_SAFE_INTEGER;
    const data = relayButtonData('reply', { botId: largest, customerId: largest, customerMessageId: largest });
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(readRelayButton(data)?.relayedFrom).toEqual({ botId: largest, customerId: largest, customerMessageId: largest });
  });

  it('carries ids only, never anything the customer wrote', () => {
    for (const row of relayButtons(from))
      for (const button of row) expect('callbackData' in button && button.callbackData).toMatch(/^(reply|ban)(:\d+){3}$/);
  });

  it("still understands the first release's plain buttons, which name nothing", () => {
    expect(readRelayButton('reply')).toEqual({ action: 'reply', relayedFrom: null });
    expect(readRelayButton('ban')).toEqual({ action: 'ban', relayedFrom: null });
  });

  it('leaves other buttons (pickers, unban) alone', () => {
    expect(readRelayButton('pick:qr:7001')).toBeNull();
    expect(readRelayButton('unban:7001:42')).toBeNull();
    expect(readRelayButton('replying')).toBeNull();
  });

  it.each([
    ['too few ids', 'reply:1:2'],
    ['too many ids', 'ban:1:2:3:4'],
    ['not numbers', 'reply:a:b:c'],
    ['a zero id', 'reply:0:2:3'],
    ['a negative id', 'ban:1:-2:3'],
    ['17 digits', 'reply:12345678901234567:1:1'],
    ['beyond safe integers', 'reply:9007199254740993:1:1'],
    ['trailing text', 'reply:1:2:3 '],
    ['nothing after the prefix', 'ban:'],
  ])('refuses relay data with %s', (_what, data) => {
    expect(() => readRelayButton(data)).toThrow(MalformedRelayButtonError);
  });

  it('finds the customer message in a copy’s inline keyboard, and nothing in a message without relay buttons', () => {
    const keyboard = {
      inline_keyboard: [
        [
          { text: '✍ Reply', callback_data: 'reply:1:2:3' },
          { text: '🚫 Ban', callback_data: 'ban:1:2:3' },
        ],
      ],
    };
    expect(relayedFromKeyboard(keyboard)).toEqual({ botId: 1, customerId: 2, customerMessageId: 3 });
    expect(relayedFromKeyboard(undefined)).toBeNull(); // an album item, an edit notice
    expect(relayedFromKeyboard({ inline_keyboard: [[{ text: 'Reply', callback_data: 'reply' }]] })).toBeNull();
    expect(relayedFromKeyboard({ inline_keyboard: [[{ text: 'Pay', url: 'https://t.me/x' }]] })).toBeNull();
    expect(relayedFromKeyboard({ inline_keyboard: 'nonsense' })).toBeNull();
    expect(() => relayedFromKeyboard({ inline_keyboard: [[{ text: 'x', callback_data: 'reply:1:x:3' }]] })).toThrow(
      MalformedRelayButtonError,
    );
  });
});
