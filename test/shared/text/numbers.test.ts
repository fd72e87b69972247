import { speakNumbers } from '../../../shared/text/numbers';

/** Collapses the spaces speakNumbers puts around what it rewrites. */
function spoken(text: string): string {
  return speakNumbers(text).trim().replace(/\s+/g, ' ');
}

describe('speakNumbers', () => {
  it.each([
    ['42', 'forty two'],
    ['1,000,000', 'one million'],
    ['0', 'zero'],
    ['1066', 'one thousand sixty six'],
  ])('says the cardinal %s as "%s"', (written, expected) => {
    expect(spoken(written)).toBe(expected);
  });

  it.each([
    ['1st', 'first'],
    ['22nd', 'twenty second'],
    ['3rd', 'third'],
    ['11th', 'eleventh'],
    ['101ST', 'one hundred first'],
  ])('says the ordinal %s as "%s"', (written, expected) => {
    expect(spoken(written)).toBe(expected);
  });

  it.each([
    ['1999', 'nineteen ninety nine'],
    ['2005', 'two thousand five'],
    ['2024', 'twenty twenty four'],
    ['1905', 'nineteen oh five'],
    ['1900', 'nineteen hundred'],
    ['1900s', 'nineteen hundreds'],
    ["1990's", 'nineteen nineties'],
    ['80s', 'eighties'],
  ])('reads the year %s as "%s"', (written, expected) => {
    expect(spoken(written)).toBe(expected);
  });

  it.each([
    ['3.14', 'three point one four'],
    ['0.05', 'zero point zero five'],
    ['50%', 'fifty percent'],
    ['2.5%', 'two point five percent'],
    ['-5', 'minus five'],
  ])('says the decimal or percentage %s as "%s"', (written, expected) => {
    expect(spoken(written)).toBe(expected);
  });

  it.each([
    ['$3.50', 'three dollars fifty cents'],
    ['$1', 'one dollar'],
    ['$0.01', 'one cent'],
    ['$3.5', 'three dollars fifty cents'],
    ['£5', 'five pounds'],
    ['£2.01', 'two pounds one penny'],
    ['€20', 'twenty euros'],
    ['20€', 'twenty euros'],
    ['$1,250', 'one thousand two hundred fifty dollars'],
  ])('says the amount %s as "%s"', (written, expected) => {
    expect(spoken(written)).toBe(expected);
  });

  it('reads long and zero-led digit strings digit by digit', () => {
    expect(spoken('007')).toBe('zero zero seven');
    expect(spoken('1234567890123456')).toBe(
      'one two three four five six seven eight nine zero one two three four five six',
    );
  });

  it('keeps the text around a number and a sentence full stop out of the decimals', () => {
    expect(speakNumbers('(1999).')).toBe('( nineteen ninety nine ).');
    expect(spoken('$3.50.')).toBe('three dollars fifty cents .');
    expect(spoken('mp3')).toBe('mp three');
  });

  it('leaves text without digits untouched', () => {
    expect(speakNumbers("Hello, it's me")).toBe("Hello, it's me");
  });

  it('reads a megabyte of digits as one number, digit by digit', () => {
    // Prepare
    const digits = '7'.repeat(1_000_000);

    // Act
    const result = speakNumbers(digits);

    // Assess
    expect(result).toBe(` ${Array.from({ length: 1_000_000 }, () => 'seven').join(' ')} `);
  });
});
