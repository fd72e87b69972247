import { neutraliseMarkup, renderSrt } from '../../../shared/output/srt';
import { evenWords, HOSTILE_WORDS, makeResult, smallRead, word } from './support/result-fixture';
import { readSrt } from './support/srt-reader';

describe('renderSrt', () => {
  it('writes the small read exactly, numbered from 1, with the same cues as WebVTT', () => {
    const expected = [
      '1',
      '00:00:00,120 --> 00:00:00,900',
      'Hello, world.',
      '',
      '2',
      '00:00:01,300 --> 00:00:02,050',
      "It's €5 fine",
      '',
      '',
    ].join('\n');

    const output = renderSrt(smallRead());

    expect(output).toBe(expected);
    expect(readSrt(output)).toHaveLength(2);
  });

  it('round-trips cue times and text through a strict reader', () => {
    const words = evenWords(30, 0.25);

    const cues = readSrt(renderSrt(makeResult(words)));

    expect(cues.flatMap((c) => c.text.split(' '))).toEqual(words.map((w) => w.word));
    expect(cues[0]?.startMs).toBe(250);
    expect(cues[cues.length - 1]?.endMs).toBe(Math.round(words[words.length - 1]!.end * 1000));
  });

  it('keeps hostile text on one line with no markup or cue arrows', () => {
    const words = HOSTILE_WORDS.map((text, i) => word(text, i * 0.5, i * 0.5 + 0.4));

    const output = renderSrt(makeResult(words));

    const cues = readSrt(output);
    const read = cues.flatMap((c) => c.text.split(' '));
    expect(read).toEqual(HOSTILE_WORDS.flatMap((t) => neutraliseMarkup(t).split(/\s+/)));
    expect(read).toContain('‹b›');
    expect(read).toContain('שָׁלוֹם');
    expect(cues.filter((c) => /[<>]/.test(c.text))).toEqual([]);
  });

  it('writes hours past the first one', () => {
    const output = renderSrt(makeResult([word('late', 3725.25, 3725.5)]));

    expect(output).toBe('1\n01:02:05,250 --> 01:02:05,500\nlate\n\n');
  });

  it('writes nothing when there are no words', () => {
    expect(renderSrt(makeResult([]))).toBe('');
  });

  it('writes 5,000 words as valid SRT, every word once and in order', () => {
    // Prepare
    const words = evenWords(5000);
    const result = makeResult(words);

    // Act
    const output = renderSrt(result);

    // Assess
    expect(readSrt(output).flatMap((c) => c.text.split(' '))).toEqual(words.map((w) => w.word));
  });
});
