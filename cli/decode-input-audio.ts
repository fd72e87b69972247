import { extname } from 'node:path';
import { type DecodedAudio, decodeAudioFile } from '../shared/audio/decode-audio';
import type { AppConfig } from '../shared/config/app-config';

/** Decodes an audio file named on the command line at the model's rate, within the configured limits. */
export function decodeInputAudio(path: string, sampleRate: number, config: AppConfig): Promise<DecodedAudio> {
  return decodeAudioFile(path, {
    targetSampleRate: sampleRate,
    maxDurationSec: config.maxAudioDurationSec,
    timeoutMs: config.audioReadTimeoutSec * 1000,
    streamThresholdBytes: config.audioStreamThresholdBytes,
    formatHint: extname(path).slice(1),
  });
}
