/** What /qr says (M4), and the word when a customer came through its link. */
export const showQrCodeTexts = {
  qrCaption: (link: string) => `Scan to write to ${link}`,
  newCustomerVia: (username: string, startParameter: string) =>
    `👋 A new customer started @${username} through your link “${startParameter}”.`,
};
