/** Where a batch stands: files finished, and bytes as the measure of work (known before decoding). */
export interface BatchProgress {
  filesDone: number;
  filesTotal: number;
  /** Bytes of audio files to process (skipped files excluded) and bytes processed so far, in-flight parts included. */
  bytesTotal: number;
  bytesDone: number;
  /** Seconds of audio aligned so far. */
  audioSecDone: number;
  elapsedMs: number;
}

const BAR_WIDTH = 24;

/** `1:02:03` for an hour and more, `2:03` below; whole seconds. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Seconds left, extrapolated from bytes processed per second of wall time; undefined until some work is
 * done (audio duration is unknown before decoding, while file sizes are known up front).
 */
export function etaSeconds(progress: BatchProgress): number | undefined {
  if (progress.bytesDone <= 0 || progress.elapsedMs <= 0) return undefined;
  const left = Math.max(0, progress.bytesTotal - progress.bytesDone);
  return (left * progress.elapsedMs) / progress.bytesDone / 1000;
}

/** One status line: bar, files done, audio hours aligned, ETA. */
export function formatProgressLine(progress: BatchProgress): string {
  const fraction =
    progress.bytesTotal > 0
      ? Math.min(1, progress.bytesDone / progress.bytesTotal)
      : progress.filesDone / Math.max(1, progress.filesTotal);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const eta = etaSeconds(progress);
  return (
    `${bar} ${progress.filesDone}/${progress.filesTotal} files, ` +
    `${(progress.audioSecDone / 3600).toFixed(2)} h audio, ` +
    `ETA ${eta === undefined ? '--:--' : formatClock(eta)}`
  );
}

/** `progress: 42% of 3600 s`, one file's inference by whole percent. */
export function formatFileProgress(percent: number, durationSec: number): string {
  return `progress: ${percent}% of ${durationSec.toFixed(0)} s`;
}
