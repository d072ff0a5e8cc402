/** What a ban and its lifting say (M7); the list of bans is /banned's (list-banned.texts.ts). */
export const banCustomerTexts = {
  banned: (name: string, username: string) =>
    `🚫 ${name} is banned from @${username}: their messages no longer reach you. /banned to lift it.`,
  unbanned: (name: string, username: string) => `✅ ${name} may write to @${username} again.`,
};
