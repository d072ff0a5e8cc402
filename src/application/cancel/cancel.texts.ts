/** What /cancel says (its refusal, nothing to cancel, is in refusals.texts.ts). */
export const cancelTexts = {
  cancelled: 'Cancelled. What next? /help lists everything.',
};
