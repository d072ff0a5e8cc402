/** What /qr says (M4). */
export const showQrCodeTexts = {
  qrCaption: (link: string) => `Scan to write to ${link}`,
};
