import { MASTER_COMMANDS } from './master-commands';

/** What /help says in the MasterBot chat (M8). The team group's /help is the inbox's (team-group.texts.ts). */
export const helpTexts = {
  help:
    'FeedbackBots relays what your customers write to your bots, and your replies back to them.\n\n' +
    'Answer a customer: use Telegram’s Reply on their message (text, photos, files, voice — anything), or press ✍ Reply.\n' +
    'Ban a customer: reply /ban to their message, or press 🚫 Ban.\n' +
    'Choose where each bot’s messages arrive with /inbox: here (the default), in your own chat with the bot (it relays them ' +
    'itself, one topic per customer when its topics are on — answer by writing in the topic or with Reply), or in a team group. ' +
    'Writing /start to your own bot offers the same choice there; in that chat your edits, /delete and reactions reach the ' +
    'customer as they do here.\n' +
    'Answer as a team: add a client bot to a group with Topics as an admin allowed to manage topics, and send /connect there. ' +
    'In a customer’s topic, /close and /reopen mark the conversation, /ban and /unban ban and unban the customer; agents’ ' +
    'edits, /delete and reactions reach the customer as yours do here (/help in the group says more).\n' +
    'Edit one of your answers and the customer’s copy is edited too.\n' +
    'React to a customer’s message and they see your reaction; their reactions to your answers show here.\n' +
    'Delete an answer for the customer: reply /delete to it (within 48 hours). Deleting your own message in this chat ' +
    'does not delete theirs: Telegram tells bots nothing about deletions in private chats.\n\n' +
    MASTER_COMMANDS.map((c) => `/${c.command} — ${c.description}`).join('\n'),
};
