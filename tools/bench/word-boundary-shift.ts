import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { alignTranscript } from '../../shared/align/align-transcript';
import { logSoftmax } from '../../shared/align/log-softmax';
import { decodeAudioFile } from '../../shared/audio/decode-audio';
import { normalizeAudio } from '../../shared/inference/normalize-audio';
import { createVocabulary } from '../../shared/text/vocabulary';

const SAMPLE_RATE = 16_000;
const FRAME_SEC = 0.02;

/** How far quantization moved the word boundaries the aligner finds, against fp32, over every sample utterance. */
export interface BoundaryShift {
  words: number;
  /** Word starts and ends that moved, and the largest move, in milliseconds. */
  boundariesMoved: number;
  maxShiftMs: number;
  meanShiftMs: number;
}

/**
 * Force-aligns each `samples/<name>.wav` against its `<name>.txt` with both sessions' logits and compares the word
 * times: "quantization that moves word boundaries has failed" is checked on what users get, not on argmax alone.
 */
export async function wordBoundaryShift(
  modelDir: string,
  samplesDir: string,
  reference: InferenceSession,
  candidate: InferenceSession,
): Promise<BoundaryShift | undefined> {
  const names = ['harbor-1999', 'well-known-sailor', 'blue-notebook', 'puppy-tail', 'quiet-rivers'].filter(
    (name) => existsSync(join(samplesDir, `${name}.wav`)),
  );
  if (names.length === 0) return undefined;
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const vocabulary = createVocabulary(
    JSON.parse(readFileSync(join(modelDir, 'vocab.json'), 'utf8')) as Record<string, number>,
    config,
  );
  const shifts: number[] = [];
  for (const name of names) {
    const decoded = await decodeAudioFile(join(samplesDir, `${name}.wav`), {
      targetSampleRate: SAMPLE_RATE,
      maxDurationSec: 60,
      timeoutMs: 10_000,
    });
    const audio = normalizeAudio(decoded.samples);
    const text = readFileSync(join(samplesDir, `${name}.txt`), 'utf8');
    const durationSec = audio.length / SAMPLE_RATE;
    const words = async (session: InferenceSession) => {
      const output = (await session.run({ input_values: new Tensor('float32', audio, [1, audio.length]) }))
        .logits;
      if (output === undefined) throw new Error('the model has no "logits" output');
      const [, frames = 0, vocab = 0] = output.dims;
      const emissions = logSoftmax(output.data as Float32Array, frames, vocab);
      return alignTranscript(emissions, text, {
        vocabulary,
        frameSec: FRAME_SEC,
        durationSec,
        robust: true,
        confidenceWeighting: false,
        star: false,
      }).words;
    };
    const [expected, actual] = await Promise.all([words(reference), words(candidate)]);
    // Both align the same transcript, so they have the same words.
    for (const [i, word] of expected.entries()) {
      const other = actual[i];
      if (other === undefined) throw new Error(`${name}: the two alignments have different word counts`);
      shifts.push(Math.abs(other.start - word.start) * 1000, Math.abs(other.end - word.end) * 1000);
    }
  }
  return {
    words: shifts.length / 2,
    boundariesMoved: shifts.filter((ms) => ms > 0.5).length,
    maxShiftMs: Math.max(...shifts),
    meanShiftMs: shifts.reduce((sum, ms) => sum + ms, 0) / shifts.length,
  };
}
