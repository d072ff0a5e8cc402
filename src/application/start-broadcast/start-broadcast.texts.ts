/** What /broadcast says once the bot is chosen (M10); the report is the broadcast reactor's (broadcast.texts.ts). */
export const startBroadcastTexts = {
  askForBroadcast: (username: string) =>
    `Send the message for every customer of @${username} — text, a photo, a file, anything. /cancel to stop.`,
};
