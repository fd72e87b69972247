/**
 * Time formatting shared by the writers. Everything works on whole milliseconds (the resolution of the
 * result document), so formats never disagree through floating-point rounding and boundaries that must be
 * equal in a file are written from the same integer.
 */

/** Converts seconds to whole milliseconds. */
export function toMilliseconds(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** Formats milliseconds as `hh:mm:ss<separator>ttt`, hours two digits or more (WebVTT uses '.', SRT ','). */
export function formatClock(ms: number, separator: '.' | ','): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${separator}${pad(ms % 1000, 3)}`;
}

/** Formats milliseconds as seconds with exactly three decimals (`12.340`). */
export function formatFixedSeconds(ms: number): string {
  return `${Math.floor(ms / 1000)}.${pad(ms % 1000, 3)}`;
}

/** Formats milliseconds as seconds in the shortest exact decimal (`12.34`, `0`), as Praat writes them. */
export function formatShortSeconds(ms: number): string {
  const fraction = ms % 1000;
  if (fraction === 0) return String(Math.floor(ms / 1000));
  return `${Math.floor(ms / 1000)}.${pad(fraction, 3).replace(/0+$/, '')}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
