import { BanFromOwnChatCommand, ChooseInboxModeCommand } from '../src/application/own-chat/inbox.commands';
import { BanCustomerCommand } from '../src/application/ban-customer/ban-customer.command';
import { DeleteAnswerCommand } from '../src/application/delete-answer/delete-answer.command';
import { EditAnswerCommand } from '../src/application/edit-answer/edit-answer.command';
import { CustomerReactionCommand, MasterReactionCommand } from '../src/application/mirror-reactions/reaction.commands';
import { PickBotCommand } from '../src/application/pick-bot/pick-bot.command';
import { ReplyToCustomerCommand, StartRespondingCommand } from '../src/application/reply-to-customer/reply-to-customer.command';
import { translateClientUpdate, translateMasterUpdate } from '../src/infrastructure/telegram/update-translator';
import { BadUpdateError, parseUpdate, TgUpdate } from '../src/infrastructure/telegram/telegram-update';

const MASTER_BOT = 5000;
const button = (data: string): TgUpdate =>
  ({
    update_id: 9,
    callback_query: {
      id: 'q1',
      from: { id: 42, is_bot: false, first_name: 'Ada' },
      data,
      message: { message_id: 7, date: 0, chat: { id: 42, type: 'private' } },
    },
  }) as unknown as TgUpdate;

describe('MasterBot buttons', () => {
  it('a pick button picks that bot for that purpose', () => {
    const command = translateMasterUpdate(MASTER_BOT, button('pick:qr:7001'));
    expect(command).toBeInstanceOf(PickBotCommand);
    expect(command).toMatchObject({ masterId: 42, purpose: 'qr', botId: 7001 });
  });

  it("a /remove button from the first release's keyboard (remove:<id>) is still understood after an upgrade", () => {
    const command = translateMasterUpdate(MASTER_BOT, button('remove:7001'));
    expect(command).toBeInstanceOf(PickBotCommand);
    expect(command).toMatchObject({ masterId: 42, purpose: 'remove', botId: 7001 });
  });

  it('an unknown purpose or malformed data is not a command', () => {
    expect(translateMasterUpdate(MASTER_BOT, button('pick:launch:7001'))).toBeNull();
    expect(translateMasterUpdate(MASTER_BOT, button('remove:abc'))).toBeNull();
  });
});

describe('relayed copies in the MasterBot chat', () => {
  const copyKeyboard = { inline_keyboard: [[{ text: '✍ Reply', callback_data: 'reply:7001:900:31' }]] };
  const replyTo = (repliedTo: Record<string, unknown>, text = 'Yes, we ship on Sundays'): TgUpdate =>
    ({
      update_id: 10,
      message: {
        message_id: 12,
        date: 0,
        from: { id: 42, is_bot: false, first_name: 'Ada' },
        chat: { id: 42, type: 'private' },
        text,
        reply_to_message: { message_id: 8, date: 0, chat: { id: 42, type: 'private' }, ...repliedTo },
      },
    }) as unknown as TgUpdate;
  const masterBot = { id: MASTER_BOT, is_bot: true, first_name: 'Feedback' };

  it('the ✍ Reply and 🚫 Ban buttons say which customer message the copy is', () => {
    expect(translateMasterUpdate(MASTER_BOT, button('reply:7001:900:31'))).toMatchObject({
      constructor: StartRespondingCommand,
      masterId: 42,
      relayedMessageId: 7,
      relayedFrom: { botId: 7001, customerId: 900, customerMessageId: 31 },
    });
    const ban = translateMasterUpdate(MASTER_BOT, button('ban:7001:900:31'));
    expect(ban).toBeInstanceOf(BanCustomerCommand);
    expect(ban).toMatchObject({ relayedMessageId: 7, relayedFrom: { botId: 7001, customerId: 900, customerMessageId: 31 } });
  });

  it("the first release's plain buttons still work, by the copy's message id", () => {
    expect(translateMasterUpdate(MASTER_BOT, button('reply'))).toMatchObject({ constructor: StartRespondingCommand, relayedFrom: null });
    expect(translateMasterUpdate(MASTER_BOT, button('ban'))).toMatchObject({ constructor: BanCustomerCommand, relayedFrom: null });
  });

  it('a tampered relay button is refused at the edge: nothing is recorded from it', () => {
    expect(() => translateMasterUpdate(MASTER_BOT, button('reply:7001:<script>:31'))).toThrow(BadUpdateError);
  });

  it("a reply to a copy carries the copy's customer message, read from the keyboard Telegram includes", () => {
    const command = translateMasterUpdate(MASTER_BOT, replyTo({ from: masterBot, reply_markup: copyKeyboard }));
    expect(command).toBeInstanceOf(ReplyToCustomerCommand);
    expect(command).toMatchObject({ replyToMessageId: 8, relayedFrom: { botId: 7001, customerId: 900, customerMessageId: 31 } });
    const ban = translateMasterUpdate(MASTER_BOT, replyTo({ from: masterBot, reply_markup: copyKeyboard }, '/ban'));
    expect(ban).toMatchObject({ constructor: BanCustomerCommand, relayedMessageId: 8, relayedFrom: { customerId: 900 } });
  });

  it('a look-alike keyboard on a message the MasterBot did not send is ignored (found by message id, as any reply)', () => {
    const viaInlineBot = replyTo({ from: { id: 42, is_bot: false, first_name: 'Ada' }, reply_markup: copyKeyboard });
    expect(translateMasterUpdate(MASTER_BOT, viaInlineBot)).toMatchObject({ replyToMessageId: 8, relayedFrom: null });
    expect(translateMasterUpdate(MASTER_BOT, replyTo({ from: masterBot }))).toMatchObject({ relayedFrom: null });
  });

  it('a reply to a copy whose relay button was tampered with is refused at the edge', () => {
    const tampered = { inline_keyboard: [[{ text: '✍ Reply', callback_data: 'reply:7001:900' }]] };
    expect(() => translateMasterUpdate(MASTER_BOT, replyTo({ from: masterBot, reply_markup: tampered }))).toThrow(BadUpdateError);
  });
});

describe("the master's edits in the MasterBot chat (M13)", () => {
  const edited = (chatType: string, from = { id: 42, is_bot: false, first_name: 'Ada' }): TgUpdate => ({
    update_id: 11,
    edited_message: { message_id: 12, date: 100, edit_date: 160, from, chat: { id: 42, type: chatType }, text: 'At 9, sorry.' },
  });

  it('an edit of a message in the private chat asks whether it was an answer, with its edit time and new text', () => {
    const command = translateMasterUpdate(MASTER_BOT, edited('private'));
    expect(command).toBeInstanceOf(EditAnswerCommand);
    expect(command).toMatchObject({ masterId: 42, messageId: 12, editedAt: 160, content: { kind: 'text', text: 'At 9, sorry.' } });
  });

  it('edits in groups, or by bots, are not the master’s answers', () => {
    expect(translateMasterUpdate(MASTER_BOT, edited('supergroup'))).toBeNull();
    expect(translateMasterUpdate(MASTER_BOT, edited('private', { id: 43, is_bot: true, first_name: 'Bot' }))).toBeNull();
  });
});

describe('/delete (M13)', () => {
  const deleteCommand = (replyTo?: number): TgUpdate => ({
    update_id: 12,
    message: {
      message_id: 13,
      date: 100,
      from: { id: 42, is_bot: false, first_name: 'Ada' },
      chat: { id: 42, type: 'private' },
      text: '/delete',
      ...(replyTo ? { reply_to_message: { message_id: replyTo } } : {}),
    },
  });

  it('/delete as a reply names the answer replied to; alone it names none', () => {
    expect(translateMasterUpdate(MASTER_BOT, deleteCommand(12))).toEqual(expect.objectContaining({ masterId: 42, answerMessageId: 12 }));
    expect(translateMasterUpdate(MASTER_BOT, deleteCommand(12))).toBeInstanceOf(DeleteAnswerCommand);
    expect(translateMasterUpdate(MASTER_BOT, deleteCommand())).toEqual(expect.objectContaining({ answerMessageId: null }));
  });
});

describe('reactions (M13)', () => {
  const reaction = (fields: Record<string, unknown> = {}): unknown => ({
    update_id: 14,
    message_reaction: {
      chat: { id: 42, type: 'private' },
      message_id: 12,
      user: { id: 42, is_bot: false, first_name: 'Ada' },
      date: 100,
      old_reaction: [],
      new_reaction: [
        { type: 'custom_emoji', custom_emoji_id: '5368' },
        { type: 'emoji', emoji: '🔥' },
      ],
      ...fields,
    },
  });

  it('a reaction in the MasterBot chat is the master’s, as the first emoji a bot can set', () => {
    const command = translateMasterUpdate(MASTER_BOT, parseUpdate(reaction()));
    expect(command).toBeInstanceOf(MasterReactionCommand);
    expect(command).toMatchObject({ masterId: 42, messageId: 12, emoji: '🔥' });
  });

  it("a reaction in a client bot's chat is the customer's; one taken back mirrors as none", () => {
    const command = translateClientUpdate(7001, parseUpdate(reaction({ new_reaction: [] })));
    expect(command).toBeInstanceOf(CustomerReactionCommand);
    expect(command).toMatchObject({ botId: 7001, customerId: 42, messageId: 12, emoji: null });
  });

  it('reactions in groups or without a user (anonymous) are not mirrored', () => {
    expect(translateMasterUpdate(MASTER_BOT, parseUpdate(reaction({ chat: { id: -100, type: 'supergroup' } })))).toBeNull();
    expect(translateClientUpdate(7001, parseUpdate(reaction({ user: undefined, actor_chat: { id: -100, type: 'channel' } })))).toBeNull();
  });

  it('a malformed reaction update is bad input, refused at the edge', () => {
    expect(() => parseUpdate(reaction({ new_reaction: 'fire' }))).toThrow(BadUpdateError);
    expect(() => parseUpdate(reaction({ new_reaction: [{ type: 'emoji', emoji: 5 }] }))).toThrow(BadUpdateError);
    expect(() => parseUpdate(reaction({ message_id: 'twelve' }))).toThrow(BadUpdateError);
    expect(() => parseUpdate(reaction({ user: { id: 42 } }))).toThrow(BadUpdateError);
  });
});

describe('inbox buttons and the owner’s chat with a client bot (M14)', () => {
  const CLIENT_BOT = 7001;
  const inPrivate = (fields: Record<string, unknown>): TgUpdate => ({
    update_id: 11,
    message: { message_id: 20, date: 0, from: { id: 42, is_bot: false, first_name: 'Ada' }, chat: { id: 42, type: 'private' }, ...fields },
  });

  it('an inbox button chooses that mode for that bot, in the MasterBot chat or under the bot’s own offer', () => {
    expect(translateMasterUpdate(MASTER_BOT, button('inbox:7001:bot'))).toMatchObject({
      constructor: ChooseInboxModeCommand,
      userId: 42,
      botId: 7001,
      mode: 'bot_chat',
      askedIn: 'master_bot',
    });
    expect(translateClientUpdate(CLIENT_BOT, button('inbox:7001:master'))).toMatchObject({ mode: 'master_chat', askedIn: 'bot_chat' });
    // A client bot only ever offers its own inbox.
    expect(translateClientUpdate(CLIENT_BOT, button('inbox:7002:master'))).toBeNull();
  });

  it('an inbox button naming no mode we offer is bad input, refused at the edge', () => {
    expect(() => translateMasterUpdate(MASTER_BOT, button('inbox:7001:elsewhere'))).toThrow(BadUpdateError);
    expect(() => translateMasterUpdate(MASTER_BOT, button('inbox:bot:7001'))).toThrow(BadUpdateError);
    expect(() => translateClientUpdate(CLIENT_BOT, button('inbox:7001:'))).toThrow(BadUpdateError);
  });

  it('a private message says its topic, and the customer named by the bot’s own copy it replies to', () => {
    const inTopic = translateClientUpdate(CLIENT_BOT, inPrivate({ text: 'Hi', message_thread_id: 5, is_topic_message: true }));
    expect(inTopic).toMatchObject({ place: { threadId: 5, repliedTo: null } });
    const keyboard = { inline_keyboard: [[{ text: '🚫 Ban', callback_data: 'ban:7001:900:31' }]] };
    const copy = { message_id: 8, date: 0, chat: { id: 42, type: 'private' }, reply_markup: keyboard };
    const reply = translateClientUpdate(
      CLIENT_BOT,
      inPrivate({ text: 'Hi', reply_to_message: { ...copy, from: { id: CLIENT_BOT, is_bot: true } } }),
    );
    expect(reply).toMatchObject({ place: { threadId: null, repliedTo: { botId: 7001, customerId: 900, customerMessageId: 31 } } });
    // Only the bot's own message counts: a look-alike keyboard from anyone else names nobody.
    const forged = translateClientUpdate(
      CLIENT_BOT,
      inPrivate({ text: 'Hi', reply_to_message: { ...copy, from: { id: 42, is_bot: false } } }),
    );
    expect(forged).toMatchObject({ place: { threadId: null, repliedTo: null } });
  });

  it('🚫 Ban under a copy in the owner’s chat bans the customer the button names', () => {
    expect(translateClientUpdate(CLIENT_BOT, button('ban:7001:900:31'))).toMatchObject({
      constructor: BanFromOwnChatCommand,
      botId: CLIENT_BOT,
      userId: 42,
      relayedFrom: { botId: 7001, customerId: 900, customerMessageId: 31 },
    });
  });
});
