import { ScoreBelowMinimumError } from '../errors';
import type { AlignmentResult, WordTiming } from '../output/result';
import { DEFAULT_LOW_SCORE_THRESHOLD as LOW_SCORE_THRESHOLD, type Timings } from './word-timing';

/*
 * An alignment "looks wrong" when its transcript does not seem to be what the audio says. The thresholds come
 * from the bundled demo model on the five samples, fp32 and int8, with and without confidence weighting and
 * `--star` (200 runs of the 25 audio/transcript pairings):
 *
 * - Matching transcripts: mean word score 0.80–0.90, at most 10% of words under 0.5; with half of the
 *   transcript or some words in the middle left out, or one word changed, still 0.68–0.96 and at most 20%.
 * - Another sample's transcript (160 runs): mean 0.13–0.41, 60–100% of words under 0.5.
 * - Stretched words: of a matching transcript's words, harbor's "1999" (1.47 s for the 18 letters of "nineteen
 *   ninety nine") takes the most of the allowance below, 46%; the slowest speaker's "sea" 39%. Where the
 *   transcript leaves words out their speech is absorbed by a neighbour, e.g. "me" over 1.57 s, "the" over
 *   1.99 s, "1999" over 4.49 s: 105–210% of it. Such a transcript keeps good scores, so this is the only sign;
 *   it shows in 27 of those 80 runs (elsewhere the speech went to the pauses), and in none with `--star`.
 *
 * Result: no matching run is flagged, every mismatched one is. The cut-offs sit about midway, with the margins
 * on either side stated per constant.
 */

/** A mean word score below this looks wrong: matching transcripts score ≥ 0.80, mismatched ≤ 0.41. */
const SUSPECT_MEAN_SCORE = 0.6;
/** This share of words (or more) under LOW_SCORE_THRESHOLD looks wrong: matching ≤ 20%, mismatched ≥ 60%. */
const SUSPECT_LOW_SHARE = 0.4;
/** With fewer aligned words one low word is already a large share, and the mean speaks for them instead. */
const LOW_SHARE_MIN_WORDS = 5;
/**
 * A word may last this much plus STRETCH_SEC_PER_CHAR per character: 0.15 s per character is slower than the
 * slowest sample speaker (145 wpm, at most 0.124 s per character in a word), and the 0.5 s leaves room for a
 * word drawn out for emphasis.
 */
const STRETCH_BASE_SEC = 0.5;
const STRETCH_SEC_PER_CHAR = 0.15;
/** A digit (kept as a digit when the vocabulary has digits) is spoken as a word of about four letters. */
const CHARS_PER_DIGIT = 4;
/** Stretched words named in the warning; more would only lengthen it. */
const STRETCHED_NAMED = 3;

/** Whether an alignment looks wrong, and why (one reason per sign, for people). */
export interface AlignmentQuality {
  suspect: boolean;
  reasons: string[];
}

/**
 * The aligned words' mean score and how many score under LOW_SCORE_THRESHOLD, as the alignment reports them
 * (wordTimings, a result's stats), so that the judgement and `--min-score` go by the same number.
 */
export type WordScores = Pick<Timings, 'meanWordScore' | 'lowScoreWords'>;

/** Judges an alignment by its words' scores and durations; words without an alignable token do not count. */
export function assessAlignment(words: readonly WordTiming[], scores: WordScores): AlignmentQuality {
  const aligned = words.filter((word) => word.aligned);
  if (aligned.length === 0) return { suspect: false, reasons: [] };
  const reasons: string[] = [];
  const mean = scores.meanWordScore;
  if (mean < SUSPECT_MEAN_SCORE) {
    reasons.push(`mean word score ${mean.toFixed(2)} is below ${SUSPECT_MEAN_SCORE}`);
  }
  const low = scores.lowScoreWords;
  if (aligned.length >= LOW_SHARE_MIN_WORDS && low / aligned.length >= SUSPECT_LOW_SHARE) {
    reasons.push(`${low} of ${aligned.length} words score under ${LOW_SCORE_THRESHOLD}`);
  }
  const stretched = aligned.flatMap((word) => {
    const allowedSec = STRETCH_BASE_SEC + STRETCH_SEC_PER_CHAR * spokenChars(word.normalized);
    const durationSec = word.end - word.start;
    return durationSec > allowedSec ? [{ word, durationSec, allowedSec }] : [];
  });
  if (stretched.length > 0) {
    const named = stretched
      .slice(0, STRETCHED_NAMED)
      .map(
        ({ word, durationSec, allowedSec }) =>
          `"${word.word}" lasts ${durationSec.toFixed(2)} s (at most ${allowedSec.toFixed(2)} s expected)`,
      );
    const more = stretched.length > STRETCHED_NAMED ? ` and ${stretched.length - STRETCHED_NAMED} more` : '';
    reasons.push(
      `${named.join(', ')}${more}: longer than its letters take at a plausible speaking rate, as when speech ` +
        'missing from the transcript is absorbed',
    );
  }
  return { suspect: reasons.length > 0, reasons };
}

/** The result's warning for an alignment that looks wrong, or undefined when it looks right. */
export function alignmentWarning(words: readonly WordTiming[], scores: WordScores): string | undefined {
  const { suspect, reasons } = assessAlignment(words, scores);
  return suspect
    ? `alignment looks wrong (is the transcript the one of this audio?): ${reasons.join('; ')}`
    : undefined;
}

/** Whether a result is an alignment that looks wrong; a transcription has no transcript to doubt. */
export function isSuspectResult(result: Pick<AlignmentResult, 'mode' | 'words' | 'stats'>): boolean {
  return result.mode === 'align' && assessAlignment(result.words, result.stats).suspect;
}

/** Fails an alignment whose mean word score is below the caller's `minScore` (the CLI's `--min-score`). */
export function requireMinScore(result: AlignmentResult, minScore: number): void {
  const mean = result.stats.meanWordScore;
  if (mean < minScore) throw new ScoreBelowMinimumError(mean, minScore);
}

/** Letters a word's spoken form takes, digits counted as the words they are spoken as. */
function spokenChars(normalized: string): number {
  let count = 0;
  for (const char of normalized.replace(/\s+/g, '')) count += /\p{Nd}/u.test(char) ? CHARS_PER_DIGIT : 1;
  return count;
}
