/** Formats seconds as m:ss.sss, or h:mm:ss.sss from an hour on, rounded to the millisecond. */
export function formatTime(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const ms = Math.round(Math.abs(seconds) * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return `${sign}${h > 0 ? `${h}:${m < 10 ? '0' : ''}${m}` : m}:${s}`;
}

/** The toolbar clock: playhead time over the audio's duration. */
export function clockText(time: number, durationSec: number): string {
  return `${formatTime(time)} / ${formatTime(durationSec)}`;
}
