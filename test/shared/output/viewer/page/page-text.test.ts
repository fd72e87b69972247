import {
  flaggedLabel,
  flaggedMore,
  flaggedTitle,
  flaggedWords,
  hintText,
  pageSubtitle,
  pageTitle,
  statRows,
} from '../../../../../shared/output/viewer/page/page-text';
import { makeResult, word } from '../../support/result-fixture';

describe('pageTitle', () => {
  it("names the page by the audio's file name, from an S3 key or a local path of either kind", () => {
    // Prepare
    const results = [
      makeResult([], { key: 'incoming/class/reading.wav' }),
      makeResult([], { key: '', path: 'C:\\audio\\talk.mp3' }),
      { ...makeResult([]), source: {} },
    ];

    // Act
    const titles = results.map(pageTitle);

    // Assess
    expect(titles).toEqual(['reading.wav', 'talk.mp3', 'result']);
  });
});

describe('pageSubtitle', () => {
  it('says how the result was made: mode, model, backend and int8', () => {
    // Prepare
    const aligned = makeResult([]);
    const transcribed = {
      ...aligned,
      mode: 'transcribe' as const,
      model: { ...aligned.model, backend: 'triton' as const, quantized: false },
    };

    // Act
    const subtitles = [pageSubtitle(aligned), pageSubtitle(transcribed)];

    // Assess
    expect(subtitles).toEqual(['Aligned with demo (cpu, int8)', 'Transcribed with demo (triton)']);
  });
});

describe('statRows', () => {
  it('lists the summary figures, and the skipped characters only when there are some', () => {
    // Prepare
    const result = makeResult([word('a', 0, 1)], { durationSec: 61.5 });
    const skipping = { ...result, stats: { ...result.stats, skippedTokens: ['ø', '1'] } };

    // Act
    const rows = statRows(result, 0.5);
    const skippingRows = statRows(skipping, 0.5);

    // Assess
    expect(rows).toEqual([
      ['Duration', '1:01.500'],
      ['Words', '1'],
      ['Aligned', '1'],
      ['Unaligned', '0'],
      ['Low score (< 0.5)', '0'],
      ['Mean word score', '0.900'],
      ['Real-time factor', '0.1'],
    ]);
    expect(skippingRows.slice(rows.length)).toEqual([['Skipped characters', 'ø 1']]);
  });
});

describe('hintText', () => {
  it('explains the controls, or says to zoom in when too many words are in view for boxes', () => {
    // Act
    const hints = [hintText(0, 0), hintText(900, 800), hintText(900, 801)];

    // Assess
    expect(hints).toEqual([
      'No words in this result.',
      'Click a word to play it. Space plays or pauses; the arrow keys step through the words; + and - zoom.',
      '801 words in view: zoom in to see and click them (the strip under the waveform shows their scores).',
    ]);
  });
});

describe('the flagged-words list', () => {
  it('flags the unaligned and low-score words, in order', () => {
    // Prepare
    const words = [
      word('a', 0, 1),
      word('b', 1, 2, { aligned: false }),
      word('c', 2, 3, { score: 0.3 }),
      word('d', 3, 4, { score: 0.5 }),
    ];

    // Act
    const flagged = flaggedWords(words, 0.5);

    // Assess
    expect(flagged).toEqual([1, 2]);
  });

  it('labels each word with its start and score, or that it is not aligned', () => {
    // Act
    const labels = [
      flaggedLabel(word('c', 62, 63, { score: 0.256 })),
      flaggedLabel(word('b', 1, 2, { aligned: false })),
    ];

    // Assess
    expect(labels).toEqual(['c @ 1:02.000 (score 0.26)', 'b @ 0:01.000 (not aligned)']);
  });

  it('counts the flagged words in its heading, and notes those beyond the first 300', () => {
    // Act
    const titles = [flaggedTitle(0), flaggedTitle(301)];
    const notes = [flaggedMore(300), flaggedMore(301)];

    // Assess
    expect(titles).toEqual(['No unaligned or low-score words', 'Unaligned and low-score words (301)']);
    expect(notes).toEqual([null, 'and 1 more (the red marks in the score strip).']);
  });
});
