/** M13: what the master hears when an edited answer did not reach the customer's copy. */
export const editAnswerTexts = {
  /** null where the master needs no word (the reply itself failed and was told; nothing left to edit). */
  editFailed: (reason: string): string | null =>
    ['reply_not_delivered', 'reply_deleted', 'not_editable', 'content_erased'].includes(reason)
      ? null
      : reason === 'customer_blocked_bot'
        ? '⚠️ Your edit did not reach the customer: they have blocked the bot.'
        : `⚠️ Your edit did not reach the customer: Telegram refused it (${reason}).`,
};
