import { comparableResult, sameResult } from '../../../tools/soak/result-comparison';

const result = (overrides: Record<string, unknown>, stats: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1,
    words: [{ word: 'hello', start: 0.1, end: 0.4 }],
    stats: { wordsTotal: 1, downloadMs: 3, inferenceMs: 40, alignMs: 1, realTimeFactor: 0.02, ...stats },
    ...overrides,
  });

describe('result comparison for the soak', () => {
  it('ignores the wall-clock stats of two runs', () => {
    expect(
      sameResult(result({}), result({}, { downloadMs: 99, inferenceMs: 7, alignMs: 5, realTimeFactor: 0.5 })),
    ).toBe(true);
  });

  it('sees any other difference: a word time, a count, the source', () => {
    expect(sameResult(result({ words: [{ word: 'hello', start: 0.1, end: 0.41 }] }), result({}))).toBe(false);
    expect(sameResult(result({}, { wordsTotal: 2 }), result({}))).toBe(false);
    expect(sameResult(result({ source: { etag: 'b' } }), result({ source: { etag: 'a' } }))).toBe(false);
    expect(comparableResult(result({}))).not.toContain('inferenceMs');
  });
});
