/** What the MasterBot says about reminders (M11). */

/** "15 minutes", "1 hour", "2 hours", "90 minutes": hours when whole, minutes otherwise. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  if (minutes >= 120) return plural(Math.floor(minutes / 60), 'hour');
  return plural(minutes, 'minute');
}

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

export const reminderTexts = {
  configured: (hours: number | null) =>
    hours === null
      ? 'Reminders are off. /reminders <hours> turns them on again.'
      : `⏰ I'll remind you of messages unanswered for ${formatDuration(hours * 3_600_000)}. /reminders off turns this off.`,
  reminder: (customer: string, waitedMs: number) =>
    `⏰ This message from ${customer} has waited ${formatDuration(waitedMs)} for an answer. Reply to it to answer.`,
};
