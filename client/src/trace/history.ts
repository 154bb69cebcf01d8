/** Recent packets, most recent first, without duplicates, at most `max` (kept in workspace state). */
export const HISTORY_SIZE = 10;

export function pushHistory(recent: readonly string[], packet: string, max = HISTORY_SIZE): string[] {
  return [packet, ...recent.filter((p) => p !== packet)].slice(0, max);
}
