import { greedyTranscribe } from '../../../shared/align/greedy-decode';
import { logSoftmax } from '../../../shared/align/log-softmax';
import { createVocabulary } from '../../../shared/text/vocabulary';
import { type PlannedToken, plannedLogits, WAV2VEC2_BASE_VOCAB } from '../../helpers/wav2vec2-vocab';

const vocabulary = createVocabulary(
  { ...WAV2VEC2_BASE_VOCAB },
  { pad_token_id: 0, word_delimiter_token: '|' },
);

function emissions(plan: PlannedToken[], frames: number) {
  return logSoftmax(plannedLogits(plan, frames), frames, 32);
}

describe('greedyTranscribe', () => {
  it('merges repeats, keeps a letter doubled across a blank, and splits words at the delimiter', () => {
    // Prepare: "HELLO|OK" with the two Ls separated by a blank frame and a three-frame O.
    const logProbs = emissions(
      [
        { token: 'H', start: 2, frames: 2 },
        { token: 'E', start: 4, frames: 1 },
        { token: 'L', start: 5, frames: 1 },
        { token: 'L', start: 7, frames: 1 },
        { token: 'O', start: 8, frames: 3 },
        { token: '|', start: 12, frames: 1 },
        { token: 'O', start: 14, frames: 1 },
        { token: 'K', start: 15, frames: 2 },
      ],
      20,
    );

    // Act
    const transcript = greedyTranscribe(logProbs, vocabulary, { frameSec: 0.02, durationSec: 0.4 });

    // Assess
    expect(transcript.text).toBe('HELLO OK');
    expect(transcript.words.map((w) => [w.word, w.start, w.end])).toEqual([
      ['HELLO', 0.04, 0.22],
      ['OK', 0.28, 0.34],
    ]);
    expect(transcript.chars.map((c) => [c.char, c.start, c.end])).toEqual([
      ['H', 0.04, 0.08],
      ['E', 0.08, 0.1],
      ['L', 0.1, 0.12],
      ['L', 0.14, 0.16],
      ['O', 0.16, 0.22],
      ['O', 0.28, 0.3],
      ['K', 0.3, 0.34],
    ]);
    expect(transcript.words.every((w) => w.aligned && w.score > 0.98)).toBe(true);
    expect(transcript.lowScoreWords).toBe(0);
  });

  it('applies the timing correction within the audio and keeps words in order', () => {
    const logProbs = emissions(
      [
        { token: 'A', start: 0, frames: 1 },
        { token: '|', start: 1, frames: 1 },
        { token: 'I', start: 2, frames: 1 },
      ],
      3,
    );

    const transcript = greedyTranscribe(logProbs, vocabulary, {
      frameSec: 0.02,
      durationSec: 0.06,
      startOffsetSec: -0.05,
      endOffsetSec: 0.05,
    });

    expect(transcript.words.map((w) => [w.word, w.start, w.end])).toEqual([
      ['A', 0, 0.06],
      ['I', 0.06, 0.06],
    ]);
  });

  it('fails as MODEL when the emissions have a token the vocabulary lacks', () => {
    // Prepare: one more column than vocab.json has tokens, and that token wins a frame.
    const frames = 4;
    const vocab = vocabulary.size + 1;
    const logits = new Float32Array(frames * vocab);
    logits[2 * vocab + vocabulary.size] = 10;

    // Act
    const decode = () =>
      greedyTranscribe(logSoftmax(logits, frames, vocab), vocabulary, { frameSec: 0.02, durationSec: 0.08 });

    // Assess
    expect(decode).toThrow(
      expect.objectContaining({ code: 'MODEL', message: expect.stringContaining('token id 32') }),
    );
  });

  it('returns no words for silence', () => {
    const transcript = greedyTranscribe(emissions([], 50), vocabulary, { frameSec: 0.02, durationSec: 1 });

    expect(transcript).toMatchObject({ text: '', words: [], chars: [], meanWordScore: 0 });
  });
});
