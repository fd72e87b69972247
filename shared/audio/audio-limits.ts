import { AlignError } from '../errors';

/** Lowest source sample rate accepted; below it nothing intelligible survives and headers are likely corrupt. */
export const MIN_SAMPLE_RATE = 1000;
/** Highest source sample rate accepted (the top of common studio rates). */
export const MAX_SAMPLE_RATE = 384_000;
/** Most channels accepted in one stream (beyond 3rd-order ambisonics and large multitrack exports). */
export const MAX_CHANNELS = 64;

/** Throws AUDIO_DECODE unless `sampleRate` is a whole number of Hz within the accepted range. */
export function checkSampleRate(sampleRate: number, where: string): void {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AlignError(
      'AUDIO_DECODE',
      `${where}: sample rate ${sampleRate} Hz is not supported; expected a whole number from ` +
        `${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz`,
    );
  }
}

/** Throws AUDIO_DECODE unless `channels` is between 1 and MAX_CHANNELS. */
export function checkChannelCount(channels: number, where: string): void {
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    throw new AlignError(
      'AUDIO_DECODE',
      `${where}: channel count ${channels} is not supported; expected 1 to ${MAX_CHANNELS} channels`,
    );
  }
}

/** The AUDIO_TOO_LONG error, stating the limit and the duration found (`atLeast` when decoding stopped early). */
export function audioTooLongError(durationSec: number, limitSec: number, atLeast: boolean): AlignError {
  const duration = `${atLeast ? 'at least ' : ''}${durationSec.toFixed(1)} s`;
  return new AlignError(
    'AUDIO_TOO_LONG',
    `audio is ${duration} long, over the ${limitSec} s limit; split it into shorter files or raise the limit`,
  );
}

/** Throws AUDIO_TOO_LONG when `frames` at `sampleRate` last longer than `limitSec`. */
export function checkDuration(frames: number, sampleRate: number, limitSec: number, atLeast: boolean): void {
  if (frames > limitSec * sampleRate) throw audioTooLongError(frames / sampleRate, limitSec, atLeast);
}
