/** The vocabulary of facebook/wav2vec2-base-960h, which the demo model shares. */
export const WAV2VEC2_BASE_VOCAB: Readonly<Record<string, number>> = {
  '<pad>': 0,
  '<s>': 1,
  '</s>': 2,
  '<unk>': 3,
  '|': 4,
  E: 5,
  T: 6,
  A: 7,
  O: 8,
  N: 9,
  I: 10,
  H: 11,
  S: 12,
  R: 13,
  D: 14,
  L: 15,
  U: 16,
  M: 17,
  W: 18,
  C: 19,
  F: 20,
  G: 21,
  Y: 22,
  P: 23,
  B: 24,
  V: 25,
  K: 26,
  "'": 27,
  X: 28,
  J: 29,
  Q: 30,
  Z: 31,
};

/** One planned token occupying `frames` frames starting at `start` (everything else is blank). */
export interface PlannedToken {
  token: string;
  start: number;
  frames: number;
}

/** Raw logits [frames, 32] where each planned token dominates its frames and blank dominates the rest. */
export function plannedLogits(plan: readonly PlannedToken[], frames: number, peak = 8): Float32Array {
  const vocab = Object.keys(WAV2VEC2_BASE_VOCAB).length;
  const logits = new Float32Array(frames * vocab);
  for (let t = 0; t < frames; t++) logits[t * vocab] = peak;
  for (const { token, start, frames: length } of plan) {
    const id = WAV2VEC2_BASE_VOCAB[token];
    if (id === undefined) throw new Error(`no token ${token}`);
    for (let t = start; t < start + length; t++) {
      logits[t * vocab] = 0;
      logits[t * vocab + id] = peak;
    }
  }
  return logits;
}
