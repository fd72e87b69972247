import { FALLBACK_UTTERANCE_ID, renderCtm, utteranceIdFor } from '../../../shared/output/ctm';
import { readCtm } from './support/ctm-reader';
import { evenWords, HOSTILE_WORDS, makeResult, smallRead, word } from './support/result-fixture';

describe('renderCtm', () => {
  it('writes the small read exactly, one line per aligned word, saying that the unaligned one is left out', () => {
    const expected = [
      ';; 1 unaligned word(s) omitted; see the JSON result',
      'reading_one 1 0.120 0.360 Hello, 0.930',
      'reading_one 1 0.520 0.380 world. 0.880',
      "reading_one 1 1.300 0.220 It's 0.900",
      'reading_one 1 1.600 0.450 fine 0.750',
      '',
    ].join('\n');

    const output = renderCtm(smallRead());

    expect(output).toBe(expected);
    expect(readCtm(output).lines).toHaveLength(4);
  });

  it('writes no comment when every word is aligned', () => {
    const output = renderCtm(makeResult([word('a', 0.1, 0.2)]));

    expect(readCtm(output).comments).toEqual([]);
  });

  it('round-trips start and duration in milliseconds', () => {
    const words = evenWords(50, 3600.125);

    const { lines } = readCtm(renderCtm(makeResult(words)));

    expect(lines.map((l) => [l.startMs, l.durationMs])).toEqual(
      words.map((w) => [Math.round(w.start * 1000), Math.round(w.end * 1000) - Math.round(w.start * 1000)]),
    );
  });

  it('clamps confidence into [0, 1]', () => {
    const result = makeResult([word('low', 0, 0.1, { score: -0.2 }), word('high', 0.1, 0.2, { score: 1.7 })]);

    expect(readCtm(renderCtm(result)).lines.map((l) => l.confidence)).toEqual([0, 1]);
  });

  it('keeps hostile words as single fields and never lets a line read as a comment', () => {
    const words = HOSTILE_WORDS.map((text, i) => word(text, i * 0.5, i * 0.5 + 0.4));

    const { comments, lines } = readCtm(renderCtm(makeResult(words, { key: 'incoming/;;odd name.wav' })));

    expect(comments).toEqual([]);
    expect(lines.map((l) => l.word)).toEqual(HOSTILE_WORDS.map((t) => t.replace(/\s+/g, '_')));
    expect(new Set(lines.map((l) => l.utterance))).toEqual(new Set(['_;odd_name']));
  });

  it('writes nothing when there are no words', () => {
    expect(renderCtm(makeResult([]))).toBe('');
  });

  it('writes 5,000 words as 5,000 valid lines, in order', () => {
    // Prepare
    const words = evenWords(5000);
    const result = makeResult(words);

    // Act
    const output = renderCtm(result);

    // Assess: the reader checks the format and that start times never go back.
    const lines = readCtm(output).lines;
    expect(lines.map((l) => l.word)).toEqual(words.map((w) => w.word));
    expect(lines[4999]?.startMs).toBe(Math.round(words[4999]!.start * 1000));
  });
});

describe('utteranceIdFor', () => {
  it('uses the basename of the S3 key without its extension', () => {
    expect(utteranceIdFor({ key: 'incoming/class 3/reading one.wav' })).toBe('reading_one');
    expect(utteranceIdFor({ key: 'incoming/a/b.c.flac' })).toBe('b.c');
  });

  it('falls back to the local path, Windows separators included', () => {
    expect(utteranceIdFor({ path: 'C:\\audio\\take\t2.wav' })).toBe('take_2');
  });

  it('uses a fixed id when there is no usable name', () => {
    expect(utteranceIdFor({})).toBe(FALLBACK_UTTERANCE_ID);
    expect(utteranceIdFor({ key: 'incoming/dir/' })).toBe(FALLBACK_UTTERANCE_ID);
  });
});
