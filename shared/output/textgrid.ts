import { InvalidInputError } from '../errors';
import type { LabelledSpan } from './interval-tier';
import { layIntervalTier } from './interval-tier';
import { toSingleLine } from './label-text';
import type { AlignmentResult } from './result';
import { formatShortSeconds, toMilliseconds } from './time-format';
import { toTimedChars, toTimedWords } from './timeline';

interface Tier {
  name: string;
  intervals: LabelledSpan[];
}

/**
 * Renders a Praat TextGrid in the long text format, as Praat itself saves it: a "words" interval tier and,
 * when the result has characters, a "chars" tier, both over [0, max(audio duration, last end)].
 * Unaligned words keep their interpolated interval with the label in parentheses, `(word)`; zero-length
 * ones cannot be a Praat interval and are left out (see `layIntervalTier`); the JSON result keeps them all.
 */
export function renderTextGrid(result: AlignmentResult): string {
  const words = toTimedWords(result.words);
  const chars = toTimedChars(result.chars);
  let xmaxMs = toMilliseconds(result.audio.durationSec);
  for (const span of [...words, ...chars]) xmaxMs = Math.max(xmaxMs, span.endMs);
  if (!(xmaxMs > 0)) {
    throw new InvalidInputError(
      `cannot write a TextGrid for audio of duration ${result.audio.durationSec} s with no timed words: ` +
        'Praat needs a time domain longer than zero',
    );
  }
  const wordSpans = words.map((w) => ({
    label: w.aligned ? toSingleLine(w.text) : `(${toSingleLine(w.text)})`,
    startMs: w.startMs,
    endMs: w.endMs,
  }));
  const tiers: Tier[] = [{ name: 'words', intervals: layIntervalTier(wordSpans, xmaxMs) }];
  if (chars.length > 0) {
    const charSpans = chars.map((c) => ({ label: toSingleLine(c.text), startMs: c.startMs, endMs: c.endMs }));
    tiers.push({ name: 'chars', intervals: layIntervalTier(charSpans, xmaxMs) });
  }
  return serialise(tiers, xmaxMs);
}

// Praat's own layout, trailing spaces included, so files diff cleanly against ones Praat saved.
function serialise(tiers: readonly Tier[], xmaxMs: number): string {
  const xmax = formatShortSeconds(xmaxMs);
  const lines = [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0 ',
    `xmax = ${xmax} `,
    'tiers? <exists> ',
    `size = ${tiers.length} `,
    'item []: ',
  ];
  tiers.forEach((tier, t) => {
    lines.push(
      `    item [${t + 1}]:`,
      '        class = "IntervalTier" ',
      `        name = ${quote(tier.name)} `,
      '        xmin = 0 ',
      `        xmax = ${xmax} `,
      `        intervals: size = ${tier.intervals.length} `,
    );
    tier.intervals.forEach((interval, i) => {
      lines.push(
        `        intervals [${i + 1}]:\n` +
          `            xmin = ${formatShortSeconds(interval.startMs)} \n` +
          `            xmax = ${formatShortSeconds(interval.endMs)} \n` +
          `            text = ${quote(interval.label)} `,
      );
    });
  });
  return `${lines.join('\n')}\n`;
}

/** Quotes a Praat string: double quotes inside are doubled. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
