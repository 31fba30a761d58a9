/** "2h 5m", "4m 10s", "40s": a queue ETA in seconds, short (the CLI and the console). */
export function etaText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}
