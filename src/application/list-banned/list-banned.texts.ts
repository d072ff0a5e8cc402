/** What /banned says (M6). */
export const listBannedTexts = {
  noneBanned: 'Nobody is banned.',
  bannedList: (n: number) => `Banned customers (${n}). Press one to lift the ban:`,
  /** A ban whose customer was erased since (their sealed name can no longer be opened). */
  erasedCustomer: 'an erased customer',
};
