import { InvalidInputError } from '../../../shared/errors';
import { readTextGrid, textGridSource } from '../../../shared/output/textgrid-reader';

/** The same grid as Praat's short text format writes it: values only, one per line. */
const SHORT = [
  'File type = "ooTextFile short"',
  '"TextGrid"',
  '',
  '0',
  '2.5',
  '<exists>',
  '2',
  '"IntervalTier"',
  '"words"',
  '0',
  '2.5',
  '3',
  '0',
  '0.4',
  '""',
  '0.4',
  '1.2',
  '"say ""hi"""',
  '1.2',
  '2.5',
  '""',
  '"TextTier"',
  '"events"',
  '0',
  '2.5',
  '1',
  '0.8',
  '"click"',
  '',
].join('\n');

describe('readTextGrid', () => {
  it('reads the short format, doubled quotes undone and point tiers left out', () => {
    const grid = readTextGrid(SHORT);

    expect(grid).toEqual({
      xmin: 0,
      xmax: 2.5,
      tiers: [
        {
          name: 'words',
          xmin: 0,
          xmax: 2.5,
          intervals: [
            { xmin: 0, xmax: 0.4, text: '' },
            { xmin: 0.4, xmax: 1.2, text: 'say "hi"' },
            { xmin: 1.2, xmax: 2.5, text: '' },
          ],
        },
      ],
    });
  });

  it('reads the long format with labels, indices and comments skipped', () => {
    // Prepare
    const long = [
      'File type = "ooTextFile"',
      'Object class = "TextGrid"',
      '',
      'xmin = 0 ',
      'xmax = 1 ! the whole file',
      'tiers? <exists> ',
      'size = 1 ',
      'item []: ',
      '    item [1]:',
      '        class = "IntervalTier" ',
      '        name = "words" ',
      '        xmin = 0 ',
      '        xmax = 1 ',
      '        intervals: size = 1 ',
      '        intervals [1]:',
      '            xmin = 0 ',
      '            xmax = 1 ',
      '            text = "one" ',
    ].join('\r\n');

    // Act
    const grid = readTextGrid(long);

    // Assess
    expect(grid.tiers[0]?.intervals).toEqual([{ xmin: 0, xmax: 1, text: 'one' }]);
  });

  it.each([
    ['a binary TextGrid', 'ooBinaryFile\u0008TextGrid', /binary TextGrid cannot be read/],
    [
      'another Praat object',
      'File type = "ooTextFile"\nObject class = "Pitch 1"\n',
      /a Praat Pitch 1, not a TextGrid/,
    ],
    ['a cut-off file', SHORT.slice(0, SHORT.indexOf('"say')), /ends where tier 1 interval 2 should be/],
    ['intervals that do not meet', SHORT.replace('1.2\n2.5', '1.3\n2.5'), /intervals 2 and 3 do not meet/],
    ['a tier short of the grid', SHORT.replace('"words"\n0\n2.5', '"words"\n0\n2'), /"words" does not span/],
    ['an unclosed string', 'File type = "ooTextFile', /string is not closed/],
  ])('refuses %s', (_what, source, message) => {
    expect(() => readTextGrid(source)).toThrow(InvalidInputError);
    expect(() => readTextGrid(source)).toThrow(message);
  });
});

describe('textGridSource', () => {
  it('decodes UTF-16 with either byte-order mark, UTF-8, and Latin-1 for bytes that are not UTF-8', () => {
    const text = 'text = "café"';
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16();

    expect(textGridSource(utf16le)).toBe(text);
    expect(textGridSource(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]))).toBe(text);
    expect(textGridSource(Buffer.from(text, 'utf8'))).toBe(text);
    expect(textGridSource(Buffer.from(text, 'latin1'))).toBe(text);
  });
});
