import { frameConfidence } from '../../../shared/align/confidence';
import { type ForcedAlignOptions, forcedAlign } from '../../../shared/align/ctc-viterbi';
import type { Emissions } from '../../../shared/align/emissions';
import { logSoftmax } from '../../../shared/align/log-softmax';
import {
  AlignmentImpossibleError,
  AlignmentUnreachableError,
  InvalidInputError,
} from '../../../shared/errors';
import { DELIMITER, mulberry32, syntheticSpeech } from '../../../tools/bench/synthetic-emissions';
import { bruteForceViterbi } from './brute-force-viterbi';

type EmissionKind = 'dyadic floats' | 'small integers' | 'integers with -Infinity';

/** Every strategy and the memory settings that push each into its retry / fallback / checkpoint branches. */
const STRATEGIES: ReadonlyArray<Partial<ForcedAlignOptions>> = [
  { strategy: 'exact' },
  { strategy: 'exact', exactBudgetBytes: 1 },
  { strategy: 'exact', exactBudgetBytes: 3 },
  { strategy: 'banded' },
  { strategy: 'banded', beam: 0 },
  { strategy: 'banded', beam: 0.5, bandBudgetBytes: 1 },
  { strategy: 'banded', beam: 0, bandBudgetBytes: 2, exactBudgetBytes: 1 },
  { strategy: 'auto' },
];

function* targetSequences(alphabet: readonly number[], maxLength: number): Generator<number[]> {
  for (let length = 1; length <= maxLength; length++) {
    for (let code = 0; code < alphabet.length ** length; code++) {
      const sequence: number[] = [];
      for (let i = 0, rest = code; i < length; i++, rest = Math.floor(rest / alphabet.length)) {
        sequence.push(alphabet[rest % alphabet.length]!);
      }
      yield sequence;
    }
  }
}

/** Values whose frame-order sums are exact in Float64, so ties are decided by the tie rule, not by rounding. */
function drawEmissions(frames: number, vocab: number, kind: EmissionKind, random: () => number): Emissions {
  const data = new Float32Array(frames * vocab);
  for (let i = 0; i < data.length; i++) {
    if (kind === 'dyadic floats') data[i] = -Math.floor(random() * 2 ** 20) / 2 ** 16;
    else if (kind === 'small integers') data[i] = -Math.floor(random() * 3);
    else data[i] = random() < 0.15 ? Number.NEGATIVE_INFINITY : -Math.floor(random() * 3);
  }
  return { data, frames, vocab };
}

function drawWeights(frames: number, random: () => number): Float32Array {
  return Float32Array.from({ length: frames }, () => Math.floor(random() * 5) / 4);
}

/** The score the aligner maximises, written independently of it. */
function referenceScore(emissions: Emissions, blank: number, weights?: Float32Array, starPenalty?: number) {
  const { data, vocab } = emissions;
  return (t: number, token: number): number => {
    let e: number;
    if (token === vocab) {
      e = Number.NEGATIVE_INFINITY;
      for (let v = 0; v < vocab; v++) if (v !== blank) e = Math.max(e, data[t * vocab + v]!);
      e += starPenalty!;
    } else {
      e = data[t * vocab + token]!;
    }
    if (e === Number.NEGATIVE_INFINITY || weights === undefined) return e;
    return weights[t]! * e;
  };
}

interface ExhaustiveTally {
  cases: number;
  strategies: Set<string>;
  fellBack: number;
  retried: number;
  /** Results with a frame on a star target, and results that skipped a star. */
  starTaken: number;
  starSkipped: number;
}

type Score = (t: number, token: number) => number;
/** An error's name, or the expected [score, states]. */
type Outcome = string | [number, number[]];

/** Brute force over the trellis of `targets` (stars, if any, are mandatory targets). */
function plainReference(frames: number, targets: number[], blank: number, score: Score): Outcome {
  const best = bruteForceViterbi(frames, targets, (t, s) =>
    score(t, s % 2 === 0 ? blank : targets[(s - 1) / 2]!),
  );
  if (best === undefined) return 'AlignmentImpossibleError';
  if (best.score === Number.NEGATIVE_INFINITY) return 'AlignmentUnreachableError';
  return [best.score + 0, best.states];
}

/**
 * Optional stars, written from their definition: the targets without stars, each blank slot that held a star
 * scoring max(blank, star); then, per visit of such a slot, the frames from the first to the last where the
 * star beat the blank are the star's state, frames before it the blank before the star, after it the blank
 * after it.
 */
function optionalStarReference(
  frames: number,
  targets: number[],
  blank: number,
  star: number,
  score: Score,
): Outcome {
  const kept = targets.flatMap((id, j) => (id === star ? [] : [j]));
  if (kept.length === 0) return 'InvalidInputError';
  const slotStar = Array.from({ length: kept.length + 1 }, (_, k) =>
    targets.findIndex((id, j) => id === star && j > (kept[k - 1] ?? -1) && j < (kept[k] ?? targets.length)),
  );
  const slotScore = (t: number, k: number) =>
    slotStar[k]! >= 0 ? Math.max(score(t, blank), score(t, star)) : score(t, blank);
  const keptTokens = kept.map((j) => targets[j]!);
  const best = bruteForceViterbi(frames, keptTokens, (t, s) =>
    s % 2 === 0 ? slotScore(t, s / 2) : score(t, keptTokens[(s - 1) / 2]!),
  );
  if (best === undefined) return 'AlignmentImpossibleError';
  if (best.score === Number.NEGATIVE_INFINITY) return 'AlignmentUnreachableError';
  const states = best.states.map((s, t) => {
    if (s % 2 === 1) return 2 * kept[(s - 1) / 2]! + 1;
    const k = s / 2;
    const after = k < kept.length ? 2 * kept[k]! : 2 * targets.length;
    const m = slotStar[k]!;
    if (m < 0) return after;
    const visit = best.states.flatMap((x, u) => (x === s ? [u] : []));
    const won = visit.filter((u) => score(u, star) > score(u, blank));
    if (won.length === 0 || t < won[0]!) return 2 * m;
    return t <= won[won.length - 1]! ? 2 * m + 1 : after;
  });
  return [best.score + 0, states];
}

/** Aligns every tiny case with every strategy and compares score and path with brute force. */
function checkExhaustively(options: {
  alphabet: number[];
  maxLength: number;
  weighted: boolean;
  star?: { penalty: number; optional?: boolean };
}) {
  const tally: ExhaustiveTally = {
    cases: 0,
    strategies: new Set(),
    fellBack: 0,
    retried: 0,
    starTaken: 0,
    starSkipped: 0,
  };
  const blank = 0;
  const vocab = 3;
  const kinds: EmissionKind[] = ['dyadic floats', 'small integers', 'integers with -Infinity'];
  let seed = 1;
  for (let frames = 1; frames <= 6; frames++) {
    for (const targets of targetSequences(options.alphabet, options.maxLength)) {
      for (const kind of kinds) {
        const random = mulberry32(seed++);
        const emissions = drawEmissions(frames, vocab, kind, random);
        const weights = options.weighted ? drawWeights(frames, random) : undefined;
        const score = referenceScore(emissions, blank, weights, options.star?.penalty);
        const wanted =
          options.star?.optional === true
            ? optionalStarReference(frames, targets, blank, vocab, score)
            : plainReference(frames, targets, blank, score);
        for (const strategy of STRATEGIES) {
          const label = `T=${frames} targets=${targets} ${kind} ${JSON.stringify(strategy)}`;
          let outcome: unknown;
          try {
            const result = forcedAlign(emissions, Int32Array.from(targets), {
              blank,
              ...strategy,
              frameWeights: weights,
              star: options.star,
            });
            outcome = [result.score + 0, Array.from(result.states)];
            tally.strategies.add(result.stats.strategy);
            if (result.stats.fellBack) tally.fellBack++;
            if (result.stats.attempts > 2) tally.retried++;
            const visited = new Set(Array.from(result.states, (s) => (s % 2 === 1 ? (s - 1) / 2 : -1)));
            const stars = targets.flatMap((id, j) => (id === vocab ? [j] : []));
            if (stars.some((j) => visited.has(j))) tally.starTaken++;
            if (stars.some((j) => !visited.has(j))) tally.starSkipped++;
          } catch (error) {
            outcome = (error as Error).name;
          }
          expect([label, outcome]).toEqual([label, wanted]);
          tally.cases++;
        }
      }
    }
  }
  return tally;
}

describe('forcedAlign on every tiny case', () => {
  it('matches brute force (score and tie-broken path) for every strategy', () => {
    // Prepare, Act and Assess run per case inside checkExhaustively.
    const tally = checkExhaustively({ alphabet: [1, 2], maxLength: 4, weighted: false });

    // Assess: the sweep really went through every branch.
    expect(tally.strategies).toEqual(new Set(['exact-full', 'exact-checkpointed', 'banded']));
    expect(tally.fellBack).toBeGreaterThan(0);
    expect(tally.retried).toBeGreaterThan(0);
  });

  it('matches brute force with confidence weights (including weight 0 on -Infinity)', () => {
    const tally = checkExhaustively({ alphabet: [1, 2], maxLength: 4, weighted: true });

    expect(tally.cases).toBeGreaterThan(1000);
  });

  it('matches brute force with <star> targets', () => {
    const tally = checkExhaustively({
      alphabet: [1, 2, 3],
      maxLength: 3,
      weighted: true,
      star: { penalty: -1 },
    });

    expect(tally.strategies.has('banded')).toBe(true);
  });

  it('matches the definition of optional <star> targets (folded into their blank slots)', () => {
    const tally = checkExhaustively({
      alphabet: [1, 2, 3],
      maxLength: 3,
      weighted: true,
      star: { penalty: -0.5, optional: true },
    });

    expect(tally.strategies).toEqual(new Set(['exact-full', 'exact-checkpointed', 'banded']));
    expect(tally.starTaken).toBeGreaterThan(0);
    expect(tally.starSkipped).toBeGreaterThan(0);
  });
});

describe('forcedAlign on larger random inputs', () => {
  const sameAlignment = (
    a: { states: Int32Array; score: number },
    b: { states: Int32Array; score: number },
  ) => {
    expect(a.score).toBe(b.score);
    expect(Buffer.from(a.states.buffer).equals(Buffer.from(b.states.buffer))).toBe(true);
  };

  it.each([1, 2, 3, 4, 5, 6])('banded, checkpointed and exact agree on peaky speech (seed %i)', (seed) => {
    // Prepare
    const frames = 200 + Math.floor(mulberry32(seed)() * 500);
    const { emissions, targets } = syntheticSpeech({ frames, seed, noiseRate: 0.05 * (seed % 3) });
    const weights = seed % 2 === 0 ? frameConfidence(emissions) : undefined;
    const options = { blank: 0, frameWeights: weights };

    // Act
    const exact = forcedAlign(emissions, targets, { ...options, strategy: 'exact' });
    const checkpointed = forcedAlign(emissions, targets, {
      ...options,
      strategy: 'exact',
      exactBudgetBytes: 4096,
    });
    const banded = forcedAlign(emissions, targets, { ...options, strategy: 'banded' });
    const narrow = forcedAlign(emissions, targets, {
      ...options,
      strategy: 'banded',
      beam: 1,
      bandBudgetBytes: 512,
    });

    // Assess
    expect(targets.length).toBeGreaterThanOrEqual(20);
    expect(exact.stats.strategy).toBe('exact-full');
    expect(checkpointed.stats.strategy).toBe('exact-checkpointed');
    expect(banded.stats.strategy).toBe('banded');
    sameAlignment(checkpointed, exact);
    sameAlignment(banded, exact);
    sameAlignment(narrow, exact);
  });

  it.each([false, true])('banded and exact agree with stars between words (optional: %s)', (optional) => {
    // Prepare: the tokenizer's layout, <star> before every word and at the end.
    const { emissions, targets } = syntheticSpeech({ frames: 600, seed: 12, noiseRate: 0.1 });
    const star = emissions.vocab;
    const withStars = Int32Array.from([
      star,
      ...Array.from(targets).flatMap((id) => (id === DELIMITER ? [id, star] : [id])),
      star,
    ]);
    const options = { blank: 0, frameWeights: frameConfidence(emissions), star: { penalty: -1, optional } };

    // Act
    const exact = forcedAlign(emissions, withStars, { ...options, strategy: 'exact' });
    const checkpointed = forcedAlign(emissions, withStars, {
      ...options,
      strategy: 'exact',
      exactBudgetBytes: 4096,
    });
    const banded = forcedAlign(emissions, withStars, { ...options, strategy: 'banded', beam: 2 });

    // Assess
    expect(banded.stats.strategy).toBe('banded');
    sameAlignment(banded, exact);
    sameAlignment(checkpointed, exact);
  });

  it.each([7, 8, 9])('banded and exact agree on pure noise (seed %i)', (seed) => {
    const { emissions, targets } = syntheticSpeech({ frames: 300, seed, pureNoise: true });
    const short = targets.subarray(0, 20 + seed * 10);

    const exact = forcedAlign(emissions, short, { blank: 0, strategy: 'exact' });
    const banded = forcedAlign(emissions, short, { blank: 0, strategy: 'banded' });
    const checkpointed = forcedAlign(emissions, short, {
      blank: 0,
      strategy: 'exact',
      exactBudgetBytes: 2048,
    });

    sameAlignment(banded, exact);
    sameAlignment(checkpointed, exact);
  });
});

describe('forcedAlign preconditions', () => {
  const emissions: Emissions = { data: new Float32Array(12).fill(-1), frames: 4, vocab: 3 };
  const targets = Int32Array.from([1, 2]);
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      'data length',
      () => forcedAlign({ ...emissions, data: new Float32Array(11) }, targets, { blank: 0 }),
      /frames\*vocab = 4\*3 = 12 .* got 11/,
    ],
    [
      'no frames',
      () => forcedAlign({ data: new Float32Array(0), frames: 0, vocab: 3 }, targets, { blank: 0 }),
      /at least 1 frame/,
    ],
    [
      'tiny vocabulary',
      () => forcedAlign({ data: new Float32Array(4), frames: 4, vocab: 1 }, targets, { blank: 0 }),
      /at least 2 tokens/,
    ],
    [
      'blank out of range',
      () => forcedAlign(emissions, targets, { blank: 3 }),
      /blank must be a token id in \[0, 2\], got 3/,
    ],
    ['no targets', () => forcedAlign(emissions, new Int32Array(0), { blank: 0 }), /at least one token id/],
    [
      'target is blank',
      () => forcedAlign(emissions, Int32Array.from([1, 0]), { blank: 0 }),
      /targets\[1\] = 0 .* except the blank 0/,
    ],
    [
      'target out of range',
      () => forcedAlign(emissions, Int32Array.from([3]), { blank: 0 }),
      /targets\[0\] = 3/,
    ],
    [
      'star id without star',
      () => forcedAlign(emissions, Int32Array.from([3]), { blank: 0 }),
      /expected \[0, 2\] except the blank 0$/,
    ],
    [
      'positive star penalty',
      () => forcedAlign(emissions, targets, { blank: 0, star: { penalty: 1 } }),
      /star.penalty/,
    ],
    [
      'weights length',
      () => forcedAlign(emissions, targets, { blank: 0, frameWeights: new Float32Array(3) }),
      /one weight per frame \(4\), got 3/,
    ],
    [
      'weight above 1',
      () => forcedAlign(emissions, targets, { blank: 0, frameWeights: Float32Array.from([1, 1, 2, 1]) }),
      /frameWeights\[2\] = 2/,
    ],
    [
      'NaN weight',
      () =>
        forcedAlign(emissions, targets, { blank: 0, frameWeights: Float32Array.from([1, Number.NaN, 1, 1]) }),
      /frameWeights\[1\] = NaN/,
    ],
    [
      'NaN emission',
      () =>
        forcedAlign(
          { ...emissions, data: emissions.data.map((x, i) => (i === 7 ? Number.NaN : x)) },
          targets,
          { blank: 0 },
        ),
      /emissions\[2, 1\] = NaN/,
    ],
    [
      '+Infinity emission',
      () =>
        forcedAlign(
          { ...emissions, data: emissions.data.map((x, i) => (i === 0 ? Number.POSITIVE_INFINITY : x)) },
          targets,
          {
            blank: 0,
          },
        ),
      /emissions\[0, 0\] = Infinity/,
    ],
    [
      'bad strategy',
      () => forcedAlign(emissions, targets, { blank: 0, strategy: 'fast' as 'exact' }),
      /strategy must be/,
    ],
    ['negative beam', () => forcedAlign(emissions, targets, { blank: 0, beam: -1 }), /beam must be/],
    [
      'zero budget',
      () => forcedAlign(emissions, targets, { blank: 0, exactBudgetBytes: 0 }),
      /exactBudgetBytes must be/,
    ],
  ];

  it.each(cases)('rejects %s with a message stating what is expected', (_name, act, message) => {
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });

  it('accepts the <star> id only when star is enabled', () => {
    const result = forcedAlign(emissions, Int32Array.from([1, 3]), { blank: 0, star: { penalty: -1 } });

    expect(result.states).toHaveLength(4);
  });

  it('says how many frames the transcript needs when the audio is too short', () => {
    // Prepare: 3 targets with one repeat need 3 + 1 = 4 frames; the audio has 3.
    const short: Emissions = { data: new Float32Array(9).fill(-1), frames: 3, vocab: 3 };

    // Act
    const act = () => forcedAlign(short, Int32Array.from([1, 1, 2]), { blank: 0 });

    // Assess
    expect(act).toThrow(AlignmentImpossibleError);
    expect(act).toThrow(/at least 4 frames .* has 3/);
  });

  it('reports a transcript token that is impossible on every frame as unreachable', () => {
    const data = new Float32Array(12).fill(-1);
    for (let t = 0; t < 4; t++) data[t * 3 + 2] = Number.NEGATIVE_INFINITY;

    for (const strategy of ['exact', 'banded'] as const) {
      const act = () => forcedAlign({ data, frames: 4, vocab: 3 }, targets, { blank: 0, strategy });
      expect(act).toThrow(AlignmentUnreachableError);
      expect(act).toThrow(/-Infinity/);
    }
  });
});

describe('<star> wildcard', () => {
  // Vocabulary: 0 blank, 1 word delimiter, 2.. letters; the star id is the vocabulary size.
  const vocab = 8;
  const star = vocab;
  const _ = 0;
  const peaky = (sequence: number[]): Emissions => {
    const logits = new Float32Array(sequence.length * vocab);
    sequence.forEach((token, t) => {
      logits[t * vocab + token] = 8;
    });
    return logSoftmax(logits, sequence.length, vocab);
  };

  it('absorbs a spoken word missing from the transcript while matching tokens keep their frames', () => {
    // Prepare: spoken "AB XY CD" (A=2, B=3, X=4, Y=5, C=6, D=7), transcript "AB | <star> | CD".
    const spoken = [_, 2, 2, _, 3, _, 1, _, 4, 4, _, 5, 5, _, 1, _, 6, _, 7, 7, _];
    const emissions = peaky(spoken);
    const targets = Int32Array.from([2, 3, 1, star, 1, 6, 7]);

    // Act
    const { states } = forcedAlign(emissions, targets, { blank: 0, star: { penalty: -1 } });

    // Assess
    const tokenAt = (t: number) => (states[t]! % 2 === 0 ? 0 : targets[(states[t]! - 1) / 2]!);
    expect([8, 9, 10, 11, 12].map(tokenAt)).toEqual([star, star, star, star, star]);
    expect([1, 2, 4, 6, 14, 16, 18, 19].map(tokenAt)).toEqual([2, 2, 3, 1, 1, 6, 7, 7]);
  });

  it('lets optional stars take no frame where the transcript matches, and absorb the word it misses', () => {
    // Prepare: as the tokenizer writes "AB CD" with stars: <star> A B | <star> C D <star>.
    const spoken = [_, 2, 2, _, 3, _, 1, _, 4, 4, _, 5, 5, _, 1, _, 6, _, 7, 7, _];
    const targets = Int32Array.from([star, 2, 3, 1, star, 6, 7, star]);

    // Act
    const { states } = forcedAlign(peaky(spoken), targets, {
      blank: 0,
      star: { penalty: -1, optional: true },
    });

    // Assess: the middle star spans the missing word (and its second delimiter), the outer stars take nothing.
    const visited = (j: number) => states.some((s) => s === 2 * j + 1);
    const tokenAt = (t: number) => (states[t]! % 2 === 0 ? 0 : targets[(states[t]! - 1) / 2]!);
    expect([1, 2, 4, 6, 16, 18, 19].map(tokenAt)).toEqual([2, 2, 3, 1, 6, 7, 7]);
    expect([8, 9, 10, 11, 12, 13, 14].map(tokenAt)).toEqual(Array(7).fill(star));
    expect([visited(0), visited(4), visited(7)]).toEqual([false, true, false]);
  });

  it('scores a star frame as the best non-blank token plus the penalty', () => {
    const emissions = peaky([_, 4, 4, _]);

    const { score } = forcedAlign(emissions, Int32Array.from([star]), { blank: 0, star: { penalty: -0.5 } });

    const e = (t: number, v: number) => emissions.data[t * vocab + v]!;
    expect(score).toBeCloseTo(e(0, 0) + e(1, 4) - 0.5 + e(2, 4) - 0.5 + e(3, 0), 10);
  });
});

describe('confidence weighting', () => {
  // Tokens: 0 blank, 1 = A, 2 = B, 3..7 fillers. A is spoken, then a noisy stretch whose flat log-probs lean
  // slightly towards B, then one clearly confident A frame, then B.
  const vocab = 8;
  const confidentA = [0, 9, 0, 0, 0, 0, 0, 0];
  const confidentB = [0, 0, 9, 0, 0, 0, 0, 0];
  const noisyLeaningB = [0, -0.6, 0.6, 0, 0, 0, 0, 0];
  const build = (frames: number[][]): Emissions =>
    logSoftmax(Float32Array.from(frames.flat()), frames.length, vocab);
  const noisy = build([confidentA, ...Array(10).fill(noisyLeaningB), confidentA, confidentB, confidentB]);
  const clean = build([confidentA, confidentA, confidentB, confidentA, confidentB, confidentB]);
  const targets = Int32Array.from([1, 2]);
  const firstB = (states: Int32Array) => states.indexOf(3);

  it('moves a boundary that noisy frames pulled onto the wrong side of a confident frame', () => {
    // Prepare
    const weights = frameConfidence(noisy);

    // Act
    const raw = forcedAlign(noisy, targets, { blank: 0 });
    const weighted = forcedAlign(noisy, targets, { blank: 0, frameWeights: weights });

    // Assess: raw log-probs start B inside the noise (so the confident A frame 11 becomes B);
    // weighting keeps A through frame 11 and starts B on the first confident B frame.
    expect(weights[1]!).toBeLessThan(0.1);
    expect(firstB(raw.states)).toBeLessThan(11);
    expect(firstB(weighted.states)).toBe(12);
  });

  it('leaves the path of confident frames unchanged', () => {
    const weights = frameConfidence(clean);

    const raw = forcedAlign(clean, Int32Array.from([1, 2, 1, 2]), { blank: 0 });
    const weighted = forcedAlign(clean, Int32Array.from([1, 2, 1, 2]), { blank: 0, frameWeights: weights });

    expect(Math.min(...weights)).toBeGreaterThan(0.9);
    expect(Array.from(weighted.states)).toEqual(Array.from(raw.states));
  });
});
