import { InvalidInputError } from '../../../shared/errors';
import { renderTextGrid } from '../../../shared/output/textgrid';
import { readTextGrid } from '../../../shared/output/textgrid-reader';
import {
  char,
  evenChars,
  evenWords,
  HOSTILE_WORDS,
  makeResult,
  smallRead,
  word,
} from './support/result-fixture';

function labels(source: string, tier: number): string[] {
  return readTextGrid(source)
    .tiers[tier]!.intervals.map((i) => i.text)
    .filter((t) => t !== '');
}

describe('renderTextGrid', () => {
  it('writes the small read exactly as Praat lays out a long text TextGrid', () => {
    // Prepare
    const result = smallRead();
    const interval = (i: number, xmin: string, xmax: string, text: string): string[] => [
      `        intervals [${i}]:`,
      `            xmin = ${xmin} `,
      `            xmax = ${xmax} `,
      `            text = "${text}" `,
    ];
    const expected = [
      'File type = "ooTextFile"',
      'Object class = "TextGrid"',
      '',
      'xmin = 0 ',
      'xmax = 2.5 ',
      'tiers? <exists> ',
      'size = 2 ',
      'item []: ',
      '    item [1]:',
      '        class = "IntervalTier" ',
      '        name = "words" ',
      '        xmin = 0 ',
      '        xmax = 2.5 ',
      '        intervals: size = 9 ',
      ...interval(1, '0', '0.12', ''),
      ...interval(2, '0.12', '0.48', 'Hello,'),
      ...interval(3, '0.48', '0.52', ''),
      ...interval(4, '0.52', '0.9', 'world.'),
      ...interval(5, '0.9', '1.3', ''),
      ...interval(6, '1.3', '1.52', "It's"),
      ...interval(7, '1.52', '1.6', '(€5)'),
      ...interval(8, '1.6', '2.05', 'fine'),
      ...interval(9, '2.05', '2.5', ''),
      '    item [2]:',
      '        class = "IntervalTier" ',
      '        name = "chars" ',
      '        xmin = 0 ',
      '        xmax = 2.5 ',
      '        intervals: size = 7 ',
      ...interval(1, '0', '0.12', ''),
      ...interval(2, '0.12', '0.2', 'H'),
      ...interval(3, '0.2', '0.28', 'E'),
      ...interval(4, '0.28', '0.36', 'L'),
      ...interval(5, '0.36', '0.42', 'L'),
      ...interval(6, '0.42', '0.48', 'O'),
      ...interval(7, '0.48', '2.5', ''),
      '',
    ].join('\n');

    // Act
    const output = renderTextGrid(result);

    // Assess
    expect(output).toBe(expected);
    expect(() => readTextGrid(output)).not.toThrow();
  });

  it('leaves out the chars tier when the result has no characters', () => {
    const output = renderTextGrid(makeResult([word('a', 0.1, 0.2)]));

    const grid = readTextGrid(output);

    expect(grid.tiers.map((t) => t.name)).toEqual(['words']);
  });

  it('ends the grid at the audio duration or the last end, whichever is later', () => {
    const longAudio = readTextGrid(renderTextGrid(makeResult([word('a', 0.1, 0.2)], { durationSec: 3 })));
    const shortAudio = readTextGrid(
      renderTextGrid(makeResult([word('a', 0.1, 0.2)], { durationSec: 0.15, chars: [char('A', 0.1, 0.25)] })),
    );

    expect(longAudio.xmax).toBe(3);
    expect(shortAudio.xmax).toBe(0.25);
    expect(shortAudio.tiers.map((t) => t.xmax)).toEqual([0.25, 0.25]);
  });

  it('leaves zero-length unaligned words out of the tier and keeps the grid valid', () => {
    const result = makeResult([
      word('before', 0.1, 0.5),
      word('lost', 0.5, 0.5, { aligned: false, score: 0 }),
      word('after', 0.5, 0.9),
    ]);

    const output = renderTextGrid(result);

    expect(labels(output, 0)).toEqual(['before', 'after']);
  });

  it('marks unaligned words that have an interpolated span with parentheses', () => {
    const result = makeResult([
      word('a', 0.1, 0.3),
      word('guess', 0.3, 0.6, { aligned: false }),
      word('b', 0.6, 0.9),
    ]);

    expect(labels(renderTextGrid(result), 0)).toEqual(['a', '(guess)', 'b']);
  });

  it('splits overlapping words at the middle of the overlap', () => {
    const result = makeResult([word('a', 0.1, 0.53), word('b', 0.47, 0.9)]);

    const tier = readTextGrid(renderTextGrid(result)).tiers[0]!;

    expect(tier.intervals.find((i) => i.text === 'a')).toEqual({ xmin: 0.1, xmax: 0.5, text: 'a' });
    expect(tier.intervals.find((i) => i.text === 'b')).toEqual({ xmin: 0.5, xmax: 0.9, text: 'b' });
  });

  it('keeps hostile text on one line, doubles quotes and stays valid', () => {
    const words = HOSTILE_WORDS.map((text, i) => word(text, i * 0.5, i * 0.5 + 0.4));

    const output = renderTextGrid(makeResult(words));

    expect(labels(output, 0)).toEqual(HOSTILE_WORDS.map((t) => t.replace(/\s+/g, ' ')));
    expect(output).toContain('text = """quoted""" ');
  });

  it('writes times past one hour as plain seconds', () => {
    const result = makeResult([word('late', 3725.25, 3725.9)], { durationSec: 3726 });

    const grid = readTextGrid(renderTextGrid(result));

    expect(grid.tiers[0]?.intervals[1]).toEqual({ xmin: 3725.25, xmax: 3725.9, text: 'late' });
  });

  it('refuses a result with no time domain, naming what Praat needs', () => {
    const result = makeResult([], { durationSec: 0 });

    expect(() => renderTextGrid(result)).toThrow(InvalidInputError);
    expect(() => renderTextGrid(result)).toThrow(/longer than zero/);
  });

  it('writes 5,000 words with characters as a valid grid, a labelled interval per word and per character', () => {
    // Prepare
    const words = evenWords(5000, 0.2);
    const result = makeResult(words, { chars: evenChars(words) });

    // Act
    const output = renderTextGrid(result);

    // Assess
    const grid = readTextGrid(output);
    expect(grid.tiers[0]?.intervals).toHaveLength(2 * 5000 + 1);
    expect(grid.tiers[1]?.intervals).toHaveLength(2 * 5000 + 1);
    expect(labels(output, 0)).toEqual(words.map((w) => w.word));
  });
});
