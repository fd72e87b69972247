import { escapeCueText, renderWebVtt } from '../../../shared/output/webvtt';
import { evenWords, HOSTILE_WORDS, makeResult, smallRead, word } from './support/result-fixture';
import { readWebVtt } from './support/webvtt-reader';

describe('renderWebVtt', () => {
  it('writes the small read exactly, one sentence a cue, with a timestamp tag before each later word', () => {
    const expected = [
      'WEBVTT',
      '',
      '00:00:00.120 --> 00:00:00.900',
      'Hello, <00:00:00.520>world.',
      '',
      '00:00:01.300 --> 00:00:02.050',
      "It's <00:00:01.520>€5 <00:00:01.600>fine",
      '',
    ].join('\n');

    const output = renderWebVtt(smallRead());

    expect(output).toBe(expected);
    expect(() => readWebVtt(output)).not.toThrow();
  });

  it('puts each word after the first of a cue at its own start for karaoke highlighting', () => {
    // Prepare
    const words = evenWords(40, 0.2);

    // Act
    const cues = readWebVtt(renderWebVtt(makeResult(words)));

    // Assess: every cue's timestamps are the starts of its later words, in order
    let next = 0;
    for (const cue of cues) {
      const inCue = cue.text.split(' ').length;
      const starts = words.slice(next, next + inCue).map((w) => Math.round(w.start * 1000));
      expect(cue.startMs).toBe(starts[0]);
      expect(cue.stamps).toEqual(starts.slice(1));
      next += inCue;
    }
    expect(next).toBe(words.length);
  });

  it('lets a word that starts with the previous one share its highlight instead of repeating a timestamp', () => {
    const result = makeResult([
      word('a', 0, 0.1),
      word('b', 0.1, 0.1, { aligned: false, score: 0 }),
      word('c', 0.1, 0.3),
    ]);

    const output = renderWebVtt(result);

    expect(output).toContain('a <00:00:00.100>b c\n');
    expect(readWebVtt(output)[0]?.stamps).toEqual([100]);
  });

  it('gives a lone point-like word a cue one millisecond long', () => {
    const output = renderWebVtt(makeResult([word('gone', 1, 1, { aligned: false, score: 0 })]));

    expect(output).toContain('00:00:01.000 --> 00:00:01.001\ngone\n');
    expect(() => readWebVtt(output)).not.toThrow();
  });

  it('escapes hostile text so every word comes back as written, on one line', () => {
    const words = HOSTILE_WORDS.map((text, i) => word(text, i * 0.5, i * 0.5 + 0.4));

    const output = renderWebVtt(makeResult(words));

    const cues = readWebVtt(output);
    const read = cues.flatMap((c) => c.text.split(' '));
    expect(read).toEqual(HOSTILE_WORDS.flatMap((t) => t.split(/\s+/)));
    expect(output).toContain('--&gt;');
    expect(output).toContain('&lt;b&gt;');
    expect(output).toContain('&amp;amp;');
  });

  it('writes hours past the first one', () => {
    const output = renderWebVtt(makeResult([word('late', 3725.25, 3725.5), word('still', 3725.6, 3726)]));

    expect(output).toContain('01:02:05.250 --> 01:02:06.000\nlate <01:02:05.600>still\n');
    expect(readWebVtt(output)[0]?.startMs).toBe(3_725_250);
  });

  it('writes just the header when there are no words', () => {
    expect(renderWebVtt(makeResult([]))).toBe('WEBVTT\n');
  });

  it('writes 5,000 words as valid WebVTT, every word once and in order', () => {
    // Prepare
    const words = evenWords(5000);
    const result = makeResult(words);

    // Act
    const output = renderWebVtt(result);

    // Assess
    const cues = readWebVtt(output);
    expect(cues.flatMap((c) => c.text.split(' '))).toEqual(words.map((w) => w.word));
  });
});

describe('escapeCueText', () => {
  it('escapes ampersands before angle brackets so nothing is escaped twice', () => {
    expect(escapeCueText('<a&b>')).toBe('&lt;a&amp;b&gt;');
  });
});
