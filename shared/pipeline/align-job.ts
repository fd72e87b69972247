import { performance } from 'node:perf_hooks';
import { alignTranscript } from '../align/align-transcript';
import { greedyTranscribe } from '../align/greedy-decode';
import type { DecodedAudio } from '../audio/audio-types';
import { InvalidInputError } from '../errors';
import type { AcousticModel } from '../inference/acoustic-model';
import { buildResult } from '../output/build-result';
import type { AlignmentResult, ResultSource } from '../output/result';

/** One activity's inputs once the audio is decoded: the transcript, or none for transcribe mode. */
export interface AlignJob {
  audio: DecodedAudio;
  /** The transcript as given; undefined runs transcribe mode (greedy decoding). */
  text: string | undefined;
  source: ResultSource;
  downloadMs: number;
  onProgress?: ((framesDone: number, totalFrames: number) => void) | undefined;
}

/** The alignment settings that change results (docs/configuration.md#variables). */
export interface AlignSettings {
  robustMode: boolean;
  confidenceWeighting: boolean;
  star: boolean;
}

/** Runs inference and alignment (or transcription) for one decoded file and builds the result document. */
export async function runAlignJob(
  job: AlignJob,
  model: AcousticModel,
  settings: AlignSettings,
): Promise<AlignmentResult> {
  const { spec } = model;
  if (job.audio.sampleRate !== spec.sampleRate) {
    throw new InvalidInputError(
      `audio must be decoded at the model's ${spec.sampleRate} Hz, got ${job.audio.sampleRate} Hz`,
    );
  }
  const inferenceStarted = performance.now();
  const logProbs = await model.logProbs(job.audio.samples, job.onProgress);
  const inferenceMs = performance.now() - inferenceStarted;

  const alignStarted = performance.now();
  const durationSec = job.audio.info.durationSec;
  const timing = {
    frameSec: spec.frameSec,
    durationSec,
    startOffsetSec: spec.timingCorrection.startSec,
    endOffsetSec: spec.timingCorrection.endSec,
  };
  let text: string;
  let alignment: Parameters<typeof buildResult>[0]['alignment'];
  if (job.text === undefined) {
    const transcript = greedyTranscribe(logProbs, spec.vocabulary, timing);
    text = transcript.text;
    alignment = { ...transcript, skippedTokens: [], warnings: [] };
  } else {
    text = job.text;
    alignment = alignTranscript(logProbs, job.text, {
      vocabulary: spec.vocabulary,
      frameSec: spec.frameSec,
      durationSec,
      robust: settings.robustMode,
      confidenceWeighting: settings.confidenceWeighting,
      star: settings.star,
      timingCorrection: spec.timingCorrection,
    });
  }
  const alignMs = performance.now() - alignStarted;

  return buildResult({
    mode: job.text === undefined ? 'transcribe' : 'align',
    source: job.source,
    audio: {
      durationSec: Math.round(durationSec * 1000) / 1000,
      sampleRate: job.audio.info.sampleRate,
      channels: job.audio.info.channels,
      format: job.audio.info.format,
    },
    model: { name: spec.name, backend: model.backend, quantized: model.quantized, frameSec: spec.frameSec },
    text,
    // The decoder's doubts about the audio come first: they qualify everything aligned from it.
    alignment: { ...alignment, warnings: [...job.audio.warnings, ...alignment.warnings] },
    timings: { downloadMs: job.downloadMs, inferenceMs, alignMs },
  });
}
