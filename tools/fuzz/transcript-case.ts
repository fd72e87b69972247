import type { Emissions } from '../../shared/align/emissions';
import { AlignError } from '../../shared/errors';
import type { AcousticModel } from '../../shared/inference/acoustic-model';
import type { ModelSpec } from '../../shared/model/model-spec';
import { renderResult } from '../../shared/output/render';
import type { AlignmentResult, OutputFormat } from '../../shared/output/result';
import { runAlignJob } from '../../shared/pipeline/align-job';
import type { SeededRandom } from './seeded-random';

const FORMATS: readonly OutputFormat[] = ['json', 'textgrid', 'vtt', 'srt', 'ctm'];

/**
 * Emissions drawn at random (normalised log-probs) instead of a network: the transcript path (tokenizer, Viterbi,
 * timings, result, every renderer) is what is under test, and a random draw reaches more of its states.
 */
export class RandomEmissionsModel implements AcousticModel {
  public readonly backend = 'cpu' as const;
  public readonly quantized = false;

  public constructor(
    public readonly spec: ModelSpec,
    private readonly random: SeededRandom,
  ) {}

  /** Random log-softmax rows, one per 20 ms frame of `samples`. */
  public async logProbs(samples: Float32Array): Promise<Emissions> {
    const vocab = this.spec.vocabulary.size;
    const frames = Math.floor(samples.length / this.spec.samplesPerFrame);
    const data = new Float32Array(frames * vocab);
    for (let t = 0; t < frames; t++) {
      let sum = 0;
      for (let v = 0; v < vocab; v++) {
        const logit = this.random.next() * 6;
        data[t * vocab + v] = logit;
        sum += Math.exp(logit);
      }
      const log = Math.log(sum);
      for (let v = 0; v < vocab; v++) data[t * vocab + v]! -= log;
    }
    return { data, frames, vocab };
  }
}

/** Checks what a valid result promises: times in order inside the audio, finite scores. */
function checkResult(result: AlignmentResult): void {
  const duration = result.audio.durationSec;
  for (const word of result.words) {
    const { start, end, score } = word;
    if (!(start >= 0 && start <= end && end <= duration + 0.001) || !Number.isFinite(score)) {
      throw new Error(
        `word ${JSON.stringify(word.word)} has times ${start}..${end} / score ${score} outside 0..${duration}`,
      );
    }
  }
}

/**
 * Aligns `text` to `seconds` of silence with random emissions through the pipeline's job and renders every
 * format. Returns the error code, or 'ok'; throws anything that is not an AlignError (a crash).
 */
export async function runTranscriptCase(
  spec: ModelSpec,
  text: string,
  random: SeededRandom,
  settings: { robustMode: boolean; seconds: number },
): Promise<string> {
  const samples = new Float32Array(Math.round(settings.seconds * spec.sampleRate));
  try {
    const result = await runAlignJob(
      {
        audio: {
          samples,
          sampleRate: spec.sampleRate,
          info: {
            durationSec: settings.seconds,
            sampleRate: spec.sampleRate,
            channels: 1,
            format: 'wav',
            codec: 'pcm_s16le',
          },
          warnings: [],
        },
        text,
        source: { bucket: 'fuzz', key: 'incoming/fuzz.wav', etag: 'fuzz', size: samples.length * 2 },
        downloadMs: 0,
      },
      new RandomEmissionsModel(spec, random),
      { robustMode: settings.robustMode, confidenceWeighting: random.chance(0.3), star: false },
    );
    checkResult(result);
    for (const format of FORMATS) renderResult(result, format);
    return 'ok';
  } catch (error) {
    if (error instanceof AlignError) return error.code;
    throw error;
  }
}
