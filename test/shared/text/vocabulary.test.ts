import { AlignError } from '../../../shared/errors';
import { createVocabulary } from '../../../shared/text/vocabulary';

const BASE_960H: Record<string, number> = {
  '<pad>': 0,
  '<s>': 1,
  '</s>': 2,
  '<unk>': 3,
  '|': 4,
  E: 5,
  T: 6,
  A: 7,
  "'": 8,
};

function modelErrorOf(act: () => unknown): AlignError {
  try {
    act();
  } catch (error) {
    if (error instanceof AlignError) return error;
    throw error;
  }
  throw new Error('expected an AlignError');
}

describe('createVocabulary', () => {
  it('reads blank, delimiter and specials from a wav2vec2-base-960h style vocabulary', () => {
    // Prepare
    const config = { pad_token_id: 0, word_delimiter_token: '|' };

    // Act
    const vocab = createVocabulary(BASE_960H, config);

    // Assess
    expect(vocab.size).toBe(9);
    expect(vocab.idToToken[7]).toBe('A');
    expect(vocab.blankId).toBe(0);
    expect(vocab.delimiterId).toBe(4);
    expect(vocab.unkId).toBe(3);
    expect([...vocab.specialIds].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...vocab.charToId.keys()].sort()).toEqual(["'", 'A', 'E', 'T']);
    expect(vocab.letterCase).toBe('upper');
    expect(vocab.hasDigits).toBe(false);
  });

  it('falls back to <pad> as blank and | as delimiter when the config names neither', () => {
    const vocab = createVocabulary(BASE_960H, {});

    expect(vocab.blankId).toBe(0);
    expect(vocab.delimiterId).toBe(4);
  });

  it('has no delimiter when the vocabulary lacks | and the config names none', () => {
    const vocab = createVocabulary({ '[PAD]': 0, a: 1, b: 2 }, { pad_token_id: 0 });

    expect(vocab.delimiterId).toBeNull();
    expect(vocab.charToId.has('[PAD]')).toBe(false);
  });

  it('detects lowercase vocabularies and keeps accented letters as characters', () => {
    const vocab = createVocabulary({ '<pad>': 0, '|': 1, e: 2, é: 3, ß: 4 }, { pad_token_id: 0 });

    expect(vocab.letterCase).toBe('lower');
    expect(vocab.charToId.get('é')).toBe(3);
  });

  it('looks decomposed accented tokens up by their composed form', () => {
    const vocab = createVocabulary({ '<pad>': 0, 'e\u0301': 1 }, { pad_token_id: 0 });

    expect(vocab.charToId.get('\u00e9')).toBe(1);
  });

  it('never maps transcript characters to special tokens', () => {
    const vocab = createVocabulary(
      { '<pad>': 0, '<x>': 1, '<': 2, a: 3 },
      { pad_token_id: 0, unk_token: 'a' },
    );

    expect(vocab.unkId).toBe(3);
    expect(vocab.charToId.has('a')).toBe(false);
    expect(vocab.charToId.get('<')).toBe(2);
    expect(vocab.specialIds.has(1)).toBe(true);
  });

  it('knows when the model writes digits', () => {
    const tokens: Record<string, number> = { '<pad>': 0 };
    for (const digit of '0123456789') tokens[digit] = Object.keys(tokens).length;

    expect(createVocabulary(tokens, {}).hasDigits).toBe(true);
  });

  it.each([
    ['a non-object vocabulary', [] as unknown as Record<string, number>, {}, 'JSON object'],
    ['an empty vocabulary', {}, {}, 'empty'],
    ['a negative id', { '<pad>': 0, a: -1 }, {}, 'ids must be the integers 0..1'],
    ['a fractional id', { '<pad>': 0, a: 1.5 }, {}, 'ids must be the integers'],
    ['a string id', { '<pad>': 0, a: '1' as unknown as number }, {}, 'ids must be the integers'],
    ['a gap in the ids', { '<pad>': 0, a: 2 }, {}, '0..1'],
    ['a duplicate id', { '<pad>': 0, a: 0 }, {}, 'unique'],
    ['a pad id out of range', { '<pad>': 0, a: 1 }, { pad_token_id: 5 }, 'pad_token_id'],
    ['no blank at all', { a: 0, b: 1 }, {}, 'CTC blank'],
    ['an unknown delimiter', { '<pad>': 0, a: 1 }, { word_delimiter_token: '|' }, 'word_delimiter_token'],
    ['a delimiter that is the blank', { '|': 0, a: 1 }, { pad_token_id: 0 }, 'also the blank'],
    ['a non-string unk token', { '<pad>': 0 }, { unk_token: 3 as unknown as string }, 'unk_token'],
  ])('rejects %s with a MODEL error', (_label, tokens, config, message) => {
    // Act
    const error = modelErrorOf(() => createVocabulary(tokens, config));

    // Assess
    expect(error.code).toBe('MODEL');
    expect(error.message).toContain(message);
  });
});
