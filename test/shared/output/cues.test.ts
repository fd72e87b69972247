import { CUE_LIMITS, groupIntoCues } from '../../../shared/output/cues';
import type { TimedWord } from '../../../shared/output/timeline';

function timed(text: string, startMs: number, endMs: number): TimedWord {
  return { text, startMs, endMs, score: 0.9, aligned: true };
}

function texts(words: TimedWord[]): string[][] {
  return groupIntoCues(words).map((cue) => cue.words.map((w) => w.text));
}

describe('groupIntoCues', () => {
  it('closes a cue after the most words a cue may hold', () => {
    const words = Array.from({ length: CUE_LIMITS.maxWords + 2 }, (_, i) =>
      timed(`w${i}`, i * 100, i * 100 + 80),
    );

    const cues = texts(words);

    expect(cues.map((c) => c.length)).toEqual([CUE_LIMITS.maxWords, 2]);
  });

  it('closes a cue after a sentence end, closing quotes and brackets included', () => {
    const words = [
      timed('One.', 0, 100),
      timed('"Two?"', 200, 300),
      timed('(three!)', 400, 500),
      timed('four', 600, 700),
    ];

    expect(texts(words)).toEqual([['One.'], ['"Two?"'], ['(three!)'], ['four']]);
  });

  it('starts a new cue at a long pause', () => {
    const words = [
      timed('a', 0, 100),
      timed('b', 100 + CUE_LIMITS.pauseMs - 1, 1200),
      timed('c', 2200, 2300),
    ];

    expect(texts(words)).toEqual([['a', 'b'], ['c']]);
  });

  it('starts a new cue when the next word would run past the longest cue duration', () => {
    const words = [
      timed('a', 0, 1500),
      timed('b', 1600, 3000),
      timed('c', 3100, CUE_LIMITS.maxDurationMs + 1),
    ];

    expect(texts(words)).toEqual([['a', 'b'], ['c']]);
  });

  it('starts a new cue when the text would get longer than a line', () => {
    const long = 'x'.repeat(20);
    const words = [timed(long, 0, 100), timed(long, 100, 200), timed(long, 200, 300)];

    expect(texts(words).map((c) => c.length)).toEqual([2, 1]);
    expect(2 * long.length + 1).toBeLessThanOrEqual(CUE_LIMITS.maxChars);
  });

  it('gives a cue of point-like words one millisecond so that it ends after it starts', () => {
    const cues = groupIntoCues([timed('gone', 500, 500)]);

    expect(cues).toEqual([{ startMs: 500, endMs: 501, words: [{ text: 'gone', startMs: 500, endMs: 500 }] }]);
  });

  it('ends a cue at the latest end among its words', () => {
    const cues = groupIntoCues([timed('a', 0, 900), timed('b', 400, 600)]);

    expect(cues[0]?.endMs).toBe(900);
  });

  it('puts words on one line and leaves out words with no visible text', () => {
    const words = [timed('line\nbreak', 0, 100), timed('\u0000\n', 100, 200), timed('end', 200, 300)];

    expect(texts(words)).toEqual([['line break', 'end']]);
  });

  it('returns no cues for no words', () => {
    expect(groupIntoCues([])).toEqual([]);
  });
});
