/** What the MasterBot says about a reply (M1, M5): the prompt after ✍ Reply, and why a reply was not delivered. */
export const replyToCustomerTexts = {
  respondingPrompt: 'Send your answer now; it goes to the customer. /cancel to stop.',
  deliveryFailed: (reason: string) =>
    reason === 'customer_blocked_bot'
      ? '⚠️ Your reply was not delivered: the customer has blocked the bot.'
      : reason === 'client_bot_token_revoked'
        ? '⚠️ Your reply was not delivered: the client bot’s token was revoked in @BotFather.'
        : reason === 'possibly_sent'
          ? '⚠️ Your reply may not have reached the customer: the connection to Telegram broke twice while it was sent. It was not sent again, to avoid duplicates.'
          : reason === 'file_too_big'
            ? '⚠️ Your reply was not delivered: its file is bigger than Telegram lets bots move (20 MB to download, 50 MB to upload).'
            : `⚠️ Your reply was not delivered (${reason}).`,
};
