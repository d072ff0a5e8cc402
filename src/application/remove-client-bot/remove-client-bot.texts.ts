/** What /remove says (M3). */
export const removeClientBotTexts = {
  detached: (username: string) => `@${username} is detached. Its customers' messages no longer reach you.`,
};
