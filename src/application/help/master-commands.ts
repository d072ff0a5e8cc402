/** The MasterBot's commands: the translator, the menu (setMyCommands) and /help all read this one list. */
export const MASTER_COMMANDS = [
  { command: 'add', description: 'Attach a client bot' },
  { command: 'bots', description: 'Your client bots and their message counts' },
  { command: 'remove', description: 'Detach a client bot' },
  { command: 'inbox', description: 'Where a bot’s messages arrive (here, its own chat, a team group)' },
  { command: 'greeting', description: 'Set what customers get on /start' },
  { command: 'qr', description: 'QR code of a client bot’s link' },
  { command: 'banned', description: 'Banned customers (unban)' },
  { command: 'delete', description: 'Reply it to your answer: delete it for the customer' },
  { command: 'broadcast', description: 'Message all customers of a bot (Pro)' },
  { command: 'reminders', description: 'Remind me of unanswered messages' },
  { command: 'subscribe', description: 'Pro: more bots, broadcasts' },
  { command: 'unsubscribe', description: 'Stop renewing Pro' },
  { command: 'cancel', description: 'Stop what you are doing' },
  { command: 'help', description: 'What this bot does' },
] as const;

/** What a client bot's menu offers its customers. */
export const CLIENT_BOT_COMMANDS = [{ command: 'start', description: 'Start the conversation' }];
