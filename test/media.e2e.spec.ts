import { randomBytes } from 'node:crypto';
import { AppHarness } from './support/app-harness';
import { CreatedBot, SentRecord, UserContent } from './support/telegram-bot-api.fake';

/** C2, C3, M5 for every kind of message: files move between bots, long texts and captions fit, albums stay albums. */
describe('media relay, end to end over webhooks', () => {
  let h: AppHarness;
  let clientBot: CreatedBot;
  const master = { id: 7100000001, firstName: 'Alice' };
  const customer = { id: 8100000001, firstName: 'Bob', username: 'bob' };
  const header = '💬 Bob (@bob) → @acme_support_bot';

  beforeAll(async () => {
    // One customer sends many messages here: lift the anti-flood limit (C5), which has its own tests.
    h = await AppHarness.start({ env: { FLOOD_LIMIT_PER_MINUTE: '1000' } });
    h.fake.createUser({ ...master });
    h.fake.createUser({ ...customer });
    clientBot = h.fake.createBot({ username: 'acme_support_bot', firstName: 'Acme Support' });
    h.fake.userSends(h.masterBot.id, master.id, '/start');
    h.fake.userSends(h.masterBot.id, master.id, '/add');
    await masterGets((s) => (s.text ?? '').includes('send me the token'));
    h.fake.userSends(h.masterBot.id, master.id, clientBot.token);
    await masterGets((s) => (s.text ?? '').includes('is attached'));
  });
  afterAll(async () => h.stop());

  const seen = new Set<string>();
  /** The next matching message not matched before (tests reuse one chat). */
  const next = (match: (s: SentRecord) => boolean) => (s: SentRecord) => {
    const key = `${s.botId}:${s.chatId}:${s.messageId}`;
    if (seen.has(key) || !match(s)) return false;
    seen.add(key);
    return true;
  };
  const masterGets = (match: (s: SentRecord) => boolean) =>
    h.fake.waitForSent(next((s) => s.botId === h.masterBot.id && s.chatId === master.id && match(s)));
  const customerGets = (match: (s: SentRecord) => boolean) =>
    h.fake.waitForSent(next((s) => s.botId === clientBot.id && s.chatId === customer.id && match(s)));
  const bytes = (label: string, size = 2048) => Buffer.concat([Buffer.from(label), randomBytes(size)]);
  const replyFromMaster = (to: number, content: UserContent) =>
    h.fake.userSends(h.masterBot.id, master.id, { ...content, replyToMessageId: to });
  const buttonsOf = (s: SentRecord) => JSON.stringify(s.replyMarkup ?? null);

  it('a photo from a customer reaches the master with a header', async () => {
    const photo = bytes('photo');
    const sent = h.fake.userSends(clientBot.id, customer.id, { photo, caption: 'It arrived broken' });
    const relayed = await masterGets((s) => s.method === 'sendPhoto');
    expect(relayed.caption).toBe(`${header}\n\nIt arrived broken`);
    expect(h.fake.fileBytes(relayed.file!.fileId)).toEqual(photo);
    // The buttons name the customer's message (ids only), so the copy is answerable on its own.
    const relayedFrom = `${clientBot.id}:${customer.id}:${sent.messageId}`;
    expect(buttonsOf(relayed)).toContain(`"callback_data":"reply:${relayedFrom}"`);
    expect(buttonsOf(relayed)).toContain(`"callback_data":"ban:${relayedFrom}"`);
  });

  it('a photo reply reaches the customer', async () => {
    const asked = h.fake.userSends(clientBot.id, customer.id, 'Can you send a picture of the box?');
    const relayed = await masterGets((s) => (s.text ?? '').endsWith('picture of the box?'));
    const answer = bytes('answer photo');
    replyFromMaster(relayed.messageId, { photo: answer, caption: 'Here it is' });
    const delivered = await customerGets((s) => s.method === 'sendPhoto');
    expect(delivered.caption).toBe('Here it is');
    expect(delivered.replyToMessageId).toBe(asked.messageId);
    expect(h.fake.fileBytes(delivered.file!.fileId)).toEqual(answer);
  });

  it('a photo still arrives whole when Telegram asks to slow down in the middle of its upload', async () => {
    h.fake.failNext(h.masterBot.id, 'sendPhoto', { errorCode: 429, description: 'Too Many Requests: retry after 0', retryAfter: 0 });
    const photo = bytes('retried photo');
    h.fake.userSends(clientBot.id, customer.id, { photo });
    const relayed = await masterGets((s) => s.method === 'sendPhoto');
    expect(h.fake.fileBytes(relayed.file!.fileId)).toEqual(photo);
  });

  const kinds: Array<[string, string, (label: string) => UserContent]> = [
    ['document', 'sendDocument', (l) => ({ document: { bytes: bytes(l), fileName: `${l}.pdf` } })],
    ['video', 'sendVideo', (l) => ({ video: bytes(l) })],
    ['voice', 'sendVoice', (l) => ({ voice: bytes(l) })],
    ['audio', 'sendAudio', (l) => ({ audio: { bytes: bytes(l), title: 'Jingle', performer: 'Acme' } })],
    ['sticker', 'sendSticker', (l) => ({ sticker: bytes(l) })],
    ['animation', 'sendAnimation', (l) => ({ animation: bytes(l) })],
    ['video_note', 'sendVideoNote', (l) => ({ videoNote: bytes(l) })],
    ['location', 'sendLocation', () => ({ location: { latitude: 38.7223, longitude: -9.1393 } })],
    ['contact', 'sendContact', () => ({ contact: { phoneNumber: '+351210000000', firstName: 'Carla' } })],
  ];

  it.each(kinds)('every media kind is relayed both ways: %s', async (kind, method, make) => {
    const sent = make(`customer ${kind}`);
    const asked = h.fake.userSends(clientBot.id, customer.id, sent);
    const relayed = await masterGets((s) => s.method === method);
    const askedFile = asked.message[kind] as { file_id?: string; file_unique_id?: string };
    if (askedFile.file_id) {
      expect(relayed.file!.fileUniqueId).toBe(askedFile.file_unique_id);
      expect(h.fake.fileBytes(relayed.file!.fileId)).toEqual(h.fake.fileBytes(askedFile.file_id));
    }
    const shown = h.fake.messagesInChat(h.masterBot.id, master.id).find((m) => m.messageId === relayed.messageId)!.message;
    const named = [relayed.caption, ...h.fake.sent(h.masterBot.id, master.id).map((s) => s.text)].some((t) => t === header);
    expect(relayed.caption === header || named).toBe(true);
    if (kind === 'location') expect(shown.location).toEqual({ latitude: 38.7223, longitude: -9.1393 });
    if (kind === 'contact') expect(shown.contact).toMatchObject({ phone_number: '+351210000000', first_name: 'Carla' });

    const answer = make(`master ${kind}`);
    const reply = replyFromMaster(relayed.messageId, answer);
    const delivered = await customerGets((s) => s.method === method);
    expect(delivered.replyToMessageId).toBe(asked.messageId);
    const replyFile = reply.message[kind] as { file_id?: string };
    if (replyFile.file_id) expect(h.fake.fileBytes(delivered.file!.fileId)).toEqual(h.fake.fileBytes(replyFile.file_id));
  });

  it('a file over 20 MB is not relayed and the master is told why', async () => {
    h.fake.userSends(clientBot.id, customer.id, {
      video: { bytes: Buffer.alloc(Math.round(23.4 * 1024 * 1024), 1), fileName: 'unboxing.mp4' },
    });
    const notice = await masterGets((s) => (s.text ?? '').includes('could not be relayed'));
    expect(notice.text).toContain('📎 Bob (@bob) sent a video of 23.4 MB; Telegram lets bots download at most 20 MB');

    replyFromMaster(notice.messageId, { document: { bytes: Buffer.alloc(21 * 1024 * 1024, 2), fileName: 'manual.pdf' } });
    await masterGets((s) => (s.text ?? '').includes('not delivered'));
    expect(h.fake.sent(clientBot.id, customer.id).some((s) => s.method === 'sendDocument' && s.file?.size === 21 * 1024 * 1024)).toBe(
      false,
    );
  });

  it('a repeated file is uploaded once', async () => {
    const price = { bytes: bytes('price list'), fileName: 'prices.pdf' };
    h.fake.userSends(clientBot.id, customer.id, { document: price });
    const first = await masterGets((s) => s.method === 'sendDocument' && s.file?.size === price.bytes.length);
    h.fake.userSends(clientBot.id, customer.id, { document: price });
    const second = await masterGets((s) => s.method === 'sendDocument' && s.file?.size === price.bytes.length);
    expect(second.file!.fileId).toBe(first.file!.fileId);
    // The second relay named the file by the MasterBot's own file id instead of uploading it again.
    await h.fake.waitForCall('sendDocument', (c) => c.botId === h.masterBot.id && c.params.document === first.file!.fileId);
    const uploads = h.fake.calls.filter(
      (c) => c.method === 'sendDocument' && JSON.stringify(c.params.document ?? null).includes('"upload":"prices.pdf"'),
    );
    expect(uploads).toHaveLength(1);
  });

  it('a 5000-character message arrives in parts and a reply to the second part reaches the customer', async () => {
    const paragraph = (n: number) => `Paragraph ${n}: ${'lorem ipsum '.repeat(40).trim()}`;
    const text = Array.from({ length: 10 }, (_, i) => paragraph(i + 1))
      .join('\n\n')
      .slice(0, 5000);
    const update = {
      update_id: 900001,
      message: {
        message_id: 90001,
        date: Math.floor(Date.now() / 1000),
        chat: { id: customer.id, type: 'private' },
        from: { id: customer.id, is_bot: false, first_name: 'Bob', username: 'bob' },
        text,
      },
    };
    const res = await h.postWebhook(`/telegram/client/${clientBot.id}`, update, h.secretFor(String(clientBot.id)));
    expect(res.status).toBeLessThan(300);
    const part1 = await masterGets((s) => (s.text ?? '').startsWith(`${header}\n\nParagraph 1:`));
    const part2 = await masterGets((s) => s.messageId > part1.messageId && (s.text ?? '').startsWith('Paragraph'));
    expect(`${part1.text}\n\n${part2.text}`).toBe(`${header}\n\n${text}`);

    replyFromMaster(part2.messageId, { text: 'Thanks for the details!' });
    await customerGets((s) => s.text === 'Thanks for the details!');
  });

  it('a caption that no longer fits with the header is sent apart', async () => {
    const caption = `Details: ${'x'.repeat(1000)}`.slice(0, 1020);
    h.fake.userSends(clientBot.id, customer.id, { photo: bytes('long caption'), caption });
    const photo = await masterGets((s) => s.method === 'sendPhoto' && s.caption === header);
    const rest = await masterGets((s) => s.text === caption);
    expect(rest.replyToMessageId).toBe(photo.messageId);
  });

  it('an album arrives as an album', async () => {
    const photos = [bytes('album 1'), bytes('album 2'), bytes('album 3')];
    const items = photos.map((photo, i) =>
      h.fake.userSends(clientBot.id, customer.id, { photo, mediaGroupId: 'album-42', ...(i === 0 ? { caption: 'Which one?' } : {}) }),
    );
    const first = await masterGets((s) => s.method === 'sendMediaGroup');
    const rest = [await masterGets((s) => s.method === 'sendMediaGroup'), await masterGets((s) => s.method === 'sendMediaGroup')];
    expect(first.caption).toBe(`${header}\n\nWhich one?`);
    expect([first, ...rest].map((s) => h.fake.fileBytes(s.file!.fileId))).toEqual(photos);

    replyFromMaster(rest[0].messageId, { text: 'The second, please.' });
    const answer = await customerGets((s) => s.text === 'The second, please.');
    expect(answer.replyToMessageId).toBe(items[1].messageId);
  });

  it("a customer's edit reaches the master as a notice on the relayed message", async () => {
    const asked = h.fake.userSends(clientBot.id, customer.id, 'I need 2 boxes');
    const relayed = await masterGets((s) => (s.text ?? '').endsWith('I need 2 boxes'));
    h.fake.userEdits(clientBot.id, customer.id, asked.messageId, 'I need 3 boxes');
    const notice = await masterGets((s) => (s.text ?? '').startsWith('✏️'));
    expect(notice.text).toBe('✏️ Bob edited this message:\n\nI need 3 boxes');
    expect(notice.replyToMessageId).toBe(relayed.messageId);
  });

  it('a reply still reaches a customer who deleted the message it answers', async () => {
    const asked = h.fake.userSends(clientBot.id, customer.id, 'Never mind, found it');
    const relayed = await masterGets((s) => (s.text ?? '').endsWith('Never mind, found it'));
    h.fake.userDeletes(clientBot.id, customer.id, asked.messageId);
    replyFromMaster(relayed.messageId, { text: 'Glad to hear it!' });
    const text = await customerGets((s) => s.text === 'Glad to hear it!');
    expect(text.replyToMessageId).toBeUndefined();
    // An upload takes another path through the Bot API client; it must survive the deletion too.
    const photo = bytes('goodbye photo');
    replyFromMaster(relayed.messageId, { photo });
    const delivered = await customerGets((s) => s.method === 'sendPhoto' && h.fake.fileBytes(s.file!.fileId)?.equals(photo) === true);
    expect(delivered.replyToMessageId).toBeUndefined();
  });
});
