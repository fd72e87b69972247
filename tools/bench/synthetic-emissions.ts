import type { Emissions } from '../../shared/align/emissions';

/** A synthetic CTC model output with the transcript it was generated from. */
export interface SyntheticSpeech {
  /** Row-normalised log-probs, frame-major [frames, vocab]. */
  readonly emissions: Emissions;
  /** Token ids of the transcript (letters and word delimiters). */
  readonly targets: Int32Array;
  /** Frame at which each target's emission peak starts (the ground truth of the alignment). */
  readonly onsets: Int32Array;
}

/** Knobs of the generator; defaults give wav2vec2-like output at 50 frames/s and ~15 tokens/s. */
export interface SyntheticSpeechOptions {
  readonly frames: number;
  readonly seed: number;
  /** Token ids: 0 blank, 1-3 specials, 4 word delimiter, 5.. letters; default 32. */
  readonly vocab?: number;
  /** Probability that a speech frame's argmax is a wrong letter; default 0.03. */
  readonly confusionRate?: number;
  /** Probability per word of a following high-entropy (noisy) stretch; default 0.02. */
  readonly noiseRate?: number;
  /** Pure noise: every logit random, no token peaks (the transcript is still generated). */
  readonly pureNoise?: boolean;
}

/** The word delimiter id in the generated vocabulary (wav2vec2's "|"). */
export const DELIMITER = 4;
const FIRST_LETTER = 5;

/** Seeded 32-bit PRNG (mulberry32): reproducible inputs for tests and benchmarks. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generates "peaky" CTC emissions: each transcript token peaks for 1-2 frames, blanks fill the gaps, words are
 * separated by a delimiter token and now and then by a pause; some frames put a wrong letter on top
 * (confusions) and some stretches are high-entropy noise, so the argmax is not always the forced path.
 * Writes the logits straight into the output and normalises each row in place to keep memory at one
 * frames x vocab Float32Array.
 */
export function syntheticSpeech(options: SyntheticSpeechOptions): SyntheticSpeech {
  const { frames, seed } = options;
  const vocab = options.vocab ?? 32;
  const confusionRate = options.confusionRate ?? 0.03;
  const noiseRate = options.noiseRate ?? 0.02;
  const random = mulberry32(seed);
  const gaussian = gaussianSource(random);
  const letters = vocab - FIRST_LETTER;
  const frameLabel = new Int32Array(frames);
  const noisy = new Uint8Array(frames);
  const targets: number[] = [];
  const onsets: number[] = [];

  let t = 2 + Math.floor(random() * 20);
  let end = -1;
  const place = (token: number): boolean => {
    const duration = random() < 0.6 ? 1 : 2;
    // A CTC model separates a doubled token by at least one blank frame.
    if (token === targets[targets.length - 1] && t === end) t++;
    if (t + duration >= frames) return false;
    targets.push(token);
    onsets.push(t);
    frameLabel.fill(token, t, t + duration);
    end = t + duration;
    t = end + Math.floor(random() * 3);
    return true;
  };
  let full = false;
  while (!full) {
    const length = 1 + Math.floor(-Math.log(1 - random()) * 3.5);
    let previous = -1;
    for (let i = 0; i < length && !full; i++) {
      // Skewed letter choice (a few letters dominate, as in text), with natural double letters.
      const letter =
        random() < 0.05 && previous >= 0 ? previous : FIRST_LETTER + Math.floor(letters * random() ** 1.7);
      full = !place(letter);
      previous = letter;
    }
    if (!full && random() < noiseRate) {
      noisy.fill(1, t, Math.min(frames, t + 20 + Math.floor(random() * 80)));
    }
    if (!full && random() < 0.15) t += 10 + Math.floor(random() * 50);
    full = full || !place(DELIMITER);
  }
  if (targets.length > 1 && targets[targets.length - 1] === DELIMITER) {
    targets.pop();
    onsets.pop();
  }

  const data = new Float32Array(frames * vocab);
  const row = new Float64Array(vocab);
  for (let f = 0; f < frames; f++) {
    const label = frameLabel[f]!;
    if (options.pureNoise === true) {
      for (let v = 0; v < vocab; v++) row[v] = 2 * gaussian();
    } else if (noisy[f] === 1) {
      for (let v = 0; v < vocab; v++) row[v] = 0.7 * gaussian();
      row[label] = row[label]! + 1.5;
    } else {
      for (let v = 0; v < vocab; v++) row[v] = 1.5 * gaussian();
      row[label] = row[label]! + 9 + gaussian();
      if (label !== 0 && random() < confusionRate) {
        const wrong = FIRST_LETTER + Math.floor(letters * random());
        if (wrong !== label) row[wrong] = row[label]! + 0.5 + 1.5 * random();
      }
    }
    writeLogSoftmaxRow(row, data, f * vocab);
  }
  return {
    emissions: { data, frames, vocab },
    targets: Int32Array.from(targets),
    onsets: Int32Array.from(onsets),
  };
}

function writeLogSoftmaxRow(row: Float64Array, out: Float32Array, offset: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < row.length; v++) if (row[v]! > max) max = row[v]!;
  let sum = 0;
  for (let v = 0; v < row.length; v++) sum += Math.exp(row[v]! - max);
  const norm = max + Math.log(sum);
  for (let v = 0; v < row.length; v++) out[offset + v] = row[v]! - norm;
}

function gaussianSource(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
