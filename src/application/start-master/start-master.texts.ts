/** What /start says (M1). */
export const startMasterTexts = {
  welcome:
    'Welcome to FeedbackBots!\n\n' +
    'Attach your own bot and every message your customers send it arrives here. Reply to a message to answer the customer.\n\n' +
    '/add — attach a client bot\n/help — everything I can do',
};
