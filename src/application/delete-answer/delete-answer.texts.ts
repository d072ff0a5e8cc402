/** M13: what `/delete` says once the delivery reactor tried. Its refusals are in refusals.texts.ts. */
export const deleteAnswerTexts = {
  answerDeleted: '🗑 Deleted for the customer.',
  deletionFailed: (reason: string): string =>
    reason === 'telegram_cannot_delete'
      ? '⚠️ Telegram would not delete the customer’s copy: bots can only delete messages sent less than 48 hours ago.'
      : reason === 'copy_not_found'
        ? '⚠️ The customer’s copy is already gone: they deleted it themselves.'
        : reason === 'reply_not_delivered'
          ? 'That answer never reached the customer: there is nothing to delete for them.'
          : reason === 'customer_blocked_bot'
            ? '⚠️ The customer’s copy could not be deleted: they have blocked the bot.'
            : `⚠️ The customer’s copy could not be deleted: Telegram refused (${reason}).`,
};
