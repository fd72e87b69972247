import { foldTypography, splitSubwords, subwordTokens } from '../../../shared/text/normalize';
import { createVocabulary, type Vocabulary } from '../../../shared/text/vocabulary';

function vocabularyOf(chars: string): Vocabulary {
  const tokens: Record<string, number> = { '<pad>': 0, '<unk>': 1, '|': 2 };
  for (const char of chars) tokens[char] = Object.keys(tokens).length;
  return createVocabulary(tokens, { pad_token_id: 0, word_delimiter_token: '|' });
}

/** The sub-word as the vocabulary's characters, plus what was reported unknown. */
function mapped(subword: string, vocab: Vocabulary): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const ids = subwordTokens(subword, vocab, (char) => unknown.push(char));
  return { text: ids.map((id) => vocab.idToToken[id]).join(''), unknown };
}

const UPPER = vocabularyOf("ABCDEFGHIJKLMNOPQRSTUVWXYZ'");
const FRENCH = vocabularyOf("abcdefghijklmnopqrstuvwxyzéèàç'");

describe('foldTypography', () => {
  it('folds typographic apostrophes and quotes and applies NFKC', () => {
    expect(foldTypography('\u201Cdon\u2019t\u201D \u2018x\u2019 \u02BC \u2032 \uFB01')).toBe(
      "\"don't\" 'x' ' ' fi",
    );
  });
});

describe('splitSubwords', () => {
  it('splits at hyphens, en and em dashes, slashes and whitespace', () => {
    expect(splitSubwords('well-known\u2013ish\u2014and/or so')).toEqual([
      'well',
      'known',
      'ish',
      'and',
      'or',
      'so',
    ]);
  });

  it('drops empty parts', () => {
    expect(splitSubwords('--a//')).toEqual(['a']);
  });
});

describe('subwordTokens', () => {
  it('folds case to an uppercase vocabulary and drops punctuation', () => {
    expect(mapped('"Hello,"', UPPER)).toEqual({ text: 'HELLO', unknown: [] });
  });

  it('folds case to a lowercase vocabulary', () => {
    expect(mapped('CAFÉ', FRENCH)).toEqual({ text: 'café', unknown: [] });
  });

  it('keeps accented letters the vocabulary has and strips the others', () => {
    expect(mapped('élève', FRENCH)).toEqual({ text: 'élève', unknown: [] });
    expect(mapped('naïve', FRENCH)).toEqual({ text: 'naive', unknown: [] });
    expect(mapped('Ça', UPPER)).toEqual({ text: 'CA', unknown: [] });
  });

  it('keeps an apostrophe only between two kept characters', () => {
    expect(mapped("'don't'", UPPER).text).toBe("DON'T");
    expect(mapped("students'", UPPER).text).toBe('STUDENTS');
    expect(mapped("rock''n", UPPER).text).toBe("ROCK'N");
  });

  it('drops the apostrophe when the vocabulary has none', () => {
    expect(mapped("don't", vocabularyOf('DONT')).text).toBe('DONT');
  });

  it('reports letters, digits and pictographs without a token', () => {
    expect(mapped('a中b😀7', UPPER)).toEqual({ text: 'AB', unknown: ['中', '😀', '7'] });
  });

  it('drops control, format, symbol and stray combining characters silently', () => {
    expect(mapped('a\u0000\u200B\u0301+^$\uFE0Fb|', UPPER)).toEqual({ text: 'AB', unknown: [] });
  });

  it('never produces special tokens from text', () => {
    expect(mapped('<unk>|<pad>', UPPER).text).toBe('UNKPAD');
  });

  it('tries both cases against a mixed-case vocabulary', () => {
    expect(mapped('aB', vocabularyOf('Ab')).text).toBe('Ab');
  });
});
