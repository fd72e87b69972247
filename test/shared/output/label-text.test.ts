import { toField, toSingleLine } from '../../../shared/output/label-text';

describe('toSingleLine', () => {
  it('collapses line breaks, tabs and control characters to single spaces', () => {
    expect(toSingleLine('a\nb')).toBe('a b');
    expect(toSingleLine('a\r\n\r\nb')).toBe('a b');
    expect(toSingleLine('a\u2028b\u2029c')).toBe('a b c');
    expect(toSingleLine('a\t\u0000b')).toBe('a b');
    expect(toSingleLine('  padded \n')).toBe('padded');
  });

  it('keeps right-to-left text and joined emoji intact', () => {
    expect(toSingleLine('שָׁלוֹם')).toBe('שָׁלוֹם');
    expect(toSingleLine('👩‍💻')).toBe('👩‍💻');
  });
});

describe('toField', () => {
  it('replaces every whitespace or control run with an underscore', () => {
    expect(toField('reading one')).toBe('reading_one');
    expect(toField('a\n\tb')).toBe('a_b');
    expect(toField('plain')).toBe('plain');
  });
});
