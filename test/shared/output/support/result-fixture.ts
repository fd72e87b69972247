import type { AlignmentResult, CharTiming, WordTiming } from '../../../../shared/output/result';

/** Builds one word; aligned with score 0.9 unless told otherwise. */
export function word(text: string, start: number, end: number, extra: Partial<WordTiming> = {}): WordTiming {
  return { word: text, normalized: text.toUpperCase(), start, end, score: 0.9, aligned: true, ...extra };
}

/** Builds one character timing. */
export function char(text: string, start: number, end: number, score = 0.9): CharTiming {
  return { char: text, start, end, score };
}

/** Builds a result document around the given words and characters, with plausible surroundings. */
export function makeResult(
  words: WordTiming[],
  options: { chars?: CharTiming[]; durationSec?: number; key?: string; path?: string } = {},
): AlignmentResult {
  // `where` is the optional `path`, present only when given.
  const { chars = [], key = 'incoming/class/reading.wav', durationSec, ...where } = options;
  const last = words.at(-1);
  const aligned = words.filter((w) => w.aligned).length;
  return {
    version: 1,
    mode: 'align',
    source: {
      bucket: 'bucket',
      key,
      etag: 'e',
      size: 1,
      ...where,
    },
    audio: {
      durationSec: durationSec ?? (last === undefined ? 1 : last.end + 0.5),
      sampleRate: 16000,
      channels: 1,
      format: 'wav',
    },
    model: { name: 'demo', backend: 'cpu', quantized: true, frameSec: 0.02 },
    text: words.map((w) => w.word).join(' '),
    words,
    chars,
    stats: {
      wordsTotal: words.length,
      wordsAligned: aligned,
      wordsUnaligned: words.length - aligned,
      skippedTokens: [],
      meanWordScore: 0.9,
      lowScoreWords: 0,
      downloadMs: 1,
      inferenceMs: 1,
      alignMs: 1,
      realTimeFactor: 0.1,
    },
    warnings: [],
  };
}

/** Words that have broken naive writers: quotes, cue arrows, tags, entities, line breaks, RTL, emoji. */
export const HOSTILE_WORDS: readonly string[] = [
  '"quoted"',
  '-->',
  '<b>',
  '</c>',
  '&amp;',
  'a&b',
  'line\nbreak',
  'cr\r\n\r\nlf',
  'para\u2029sep',
  'tab\there',
  'שָׁלוֹם',
  'مرحبا',
  '👩‍💻',
  ';;',
  '""',
  '00:00:01.000',
  '1',
  '<00:00:00.500>',
  '{\\an8}',
];

/** A long, evenly spaced read: `count` words of 0.3 s each with 0.1 s gaps, every fifth ending a sentence. */
export function evenWords(count: number, startSec = 0): WordTiming[] {
  const words: WordTiming[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.round((startSec + i * 0.4) * 1000) / 1000;
    words.push(word(i % 5 === 4 ? `w${i}.` : `w${i}`, start, Math.round((start + 0.3) * 1000) / 1000));
  }
  return words;
}

/** Characters for `evenWords`: one per word, covering its first half. */
export function evenChars(words: readonly WordTiming[]): CharTiming[] {
  return words.map((w) => char('W', w.start, Math.round(((w.start + w.end) / 2) * 1000) / 1000));
}

/**
 * The small read used for exact-output tests: "Hello, world. It's €5 fine" over 2.5 s, where "€5" has no
 * alignable token (unaligned, interpolated between its neighbours) and "Hello," has character timings.
 */
export function smallRead(): AlignmentResult {
  return makeResult(
    [
      word('Hello,', 0.12, 0.48, { score: 0.93 }),
      word('world.', 0.52, 0.9, { score: 0.88 }),
      word("It's", 1.3, 1.52, { score: 0.9 }),
      word('€5', 1.52, 1.6, { score: 0, aligned: false }),
      word('fine', 1.6, 2.05, { score: 0.75 }),
    ],
    {
      durationSec: 2.5,
      key: 'incoming/class 3/reading one.wav',
      chars: [
        char('H', 0.12, 0.2),
        char('E', 0.2, 0.28),
        char('L', 0.28, 0.36),
        char('L', 0.36, 0.42),
        char('O', 0.42, 0.48),
      ],
    },
  );
}
