/** What the MasterBot says about the Pro plan (M7). */

/** "5 January 2025, 14:03 UTC": one unambiguous form for every master, whatever their locale. */
export function formatUntil(iso: string): string {
  const at = new Date(iso);
  const day = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
  return `${day}, ${time} UTC`;
}

const days = (periodSeconds: number): number => Math.round(periodSeconds / 86_400);
/** Bots as "@a, @b" (labels come from the reactor, already prefixed). */
const list = (labels: string[]): string => labels.join(', ');

export const subscriptionTexts = {
  invoiceTitle: 'FeedbackBots Pro',
  invoiceDescription: (proBots: number) => `Up to ${proBots} client bots and broadcasts. Renews monthly; /unsubscribe any time.`,
  offer: (stars: number, periodSeconds: number, proBots: number) =>
    `⭐ FeedbackBots Pro: up to ${proBots} client bots and broadcasts, for ${stars} Stars every ${days(periodSeconds)} days.\n` +
    'Tap the button to subscribe. You can cancel the renewal any time with /unsubscribe.',
  payButton: (stars: number, periodSeconds: number) => `⭐ Subscribe for ${stars} Stars / ${days(periodSeconds)} days`,
  activated: (until: string, renewal: boolean, resumed: string[]) =>
    (renewal ? `⭐ Pro renewed. Pro is active until ${formatUntil(until)}.` : `⭐ Thank you! Pro is active until ${formatUntil(until)}.`) +
    (resumed.length > 0 ? `\nResumed: ${list(resumed)} — their customers’ messages reach you again.` : ''),
  renewalCancelled: (until: string) =>
    `Your Pro subscription will not renew. Pro lasts until ${formatUntil(until)}; after that you are on the Free plan. /subscribe to keep Pro.`,
  expired: (freeBots: number, paused: string[]) =>
    `Your Pro plan has ended; you are back on the Free plan (${freeBots} client ${freeBots === 1 ? 'bot' : 'bots'}).` +
    (paused.length > 0
      ? `\nPaused (kept, not deleted): ${list(paused)}. Their customers’ messages are not relayed until you /subscribe again.`
      : ''),
};
