import { badRequest, conflict, DescribedResult, QUERY_ID_INVALID } from './api-error';
import type { MethodCall, MethodTable } from './method-context';
import type { BotCommand } from './registry';
import type { ParamReader } from './request-params';
import type { Json } from './types';

export const botMethods: MethodTable = {
  getMe: ({ bot }) => ({
    id: bot.id,
    is_bot: true,
    first_name: bot.firstName,
    username: bot.username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: bot.topicsInPrivateChats === true,
  }),

  getUpdates: ({ bot, params, signal, state }) =>
    state.hub.getUpdates(
      bot.id,
      {
        offset: params.int('offset'),
        limit: params.int('limit'),
        timeoutSeconds: params.num('timeout'),
        allowedUpdates: params.json<string[]>('allowed_updates'),
      },
      signal,
    ),

  setWebhook: (call) => {
    const url = call.params.str('url') ?? '';
    if (url === '') return removeWebhook(call);
    // Real Telegram insists on HTTPS (ports 443, 80, 88, 8443); the fake also takes plain http so tests
    // can point it at a local server.
    if (!/^https?:\/\/[^/\s]+/i.test(url) || !URL.canParse(url)) {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secretToken = call.params.str('secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest('secret token contains unallowed characters');
    }
    const state = call.state.hub.of(call.bot.id);
    const allowedUpdates = call.params.json<string[]>('allowed_updates');
    if (allowedUpdates) state.allowedUpdates = allowedUpdates;
    if (call.params.bool('drop_pending_updates')) call.state.hub.clearQueue(call.bot.id);
    const unchanged = state.webhook?.url === url && state.webhook.secretToken === secretToken;
    state.webhook = { url, secretToken, maxConnections: call.params.int('max_connections') ?? 40 };
    if (!unchanged) state.lastError = undefined;
    state.poller?.terminate(conflict('terminated by setWebhook request'));
    call.state.kickWebhook(call.bot.id);
    return new DescribedResult(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
  },

  deleteWebhook: removeWebhook,

  getWebhookInfo: ({ bot, state }) => {
    const updates = state.hub.of(bot.id);
    const info: Json = { url: updates.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: updates.queue.length };
    if (updates.webhook) {
      info.max_connections = updates.webhook.maxConnections;
      info.ip_address = '127.0.0.1';
      if (updates.lastError) {
        info.last_error_date = updates.lastError.date;
        info.last_error_message = updates.lastError.message;
      }
    }
    if (updates.allowedUpdates?.length) info.allowed_updates = updates.allowedUpdates;
    return info;
  },

  setMyCommands: ({ bot, params }) => {
    const commands = params.json<BotCommand[]>('commands');
    if (!Array.isArray(commands)) throw badRequest('commands is empty');
    if (commands.length > 100) throw badRequest('too many commands');
    for (const { command, description } of commands) {
      if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
      if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    bot.commands.set(
      commandsKey(params),
      commands.map(({ command, description }) => ({ command, description })),
    );
    return true;
  },

  getMyCommands: ({ bot, params }) => bot.commands.get(commandsKey(params)) ?? [],

  deleteMyCommands: ({ bot, params }) => {
    bot.commands.delete(commandsKey(params));
    return true;
  },

  setChatMenuButton: ({ bot, params }) => {
    bot.menuButton = params.json('menu_button') ?? { type: 'default' };
    return true;
  },

  getChatMenuButton: ({ bot }) => bot.menuButton ?? { type: 'commands' },

  answerCallbackQuery: ({ bot, params, state }) => {
    const query = state.callbackQueries.get(params.requireStr('callback_query_id'));
    if (!query || query.botId !== bot.id || query.answer) throw badRequest(QUERY_ID_INVALID);
    query.answer = { text: params.str('text'), showAlert: params.bool('show_alert'), url: params.str('url') };
    state.journal.changed();
    return true;
  },
};

function removeWebhook({ bot, params, state }: MethodCall): DescribedResult {
  const updates = state.hub.of(bot.id);
  const had = updates.webhook !== null;
  updates.webhook = null;
  updates.lastError = undefined;
  if (params.bool('drop_pending_updates')) state.hub.clearQueue(bot.id);
  state.journal.changed();
  return new DescribedResult(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
}

/** Commands are stored per scope and language; getMyCommands does not fall back between them. */
function commandsKey(params: ParamReader): string {
  return commandScopeKey(params.json<CommandScope>('scope'), params.str('language_code'));
}

export interface CommandScope {
  type?: string;
  chat_id?: number | string;
  user_id?: number;
}

export function commandScopeKey(scope: CommandScope | undefined, languageCode: string | undefined): string {
  const target = [scope?.chat_id, scope?.user_id].filter((part) => part !== undefined).join(':');
  return `${scope?.type ?? 'default'}${target ? `:${target}` : ''}|${languageCode ?? ''}`;
}
