/**
 * A strict SubRip reader for the tests: numbered blocks from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, one or
 * more non-empty text lines, a blank line after each block. Throws on anything else.
 */

export interface ReadSrtCue {
  index: number;
  startMs: number;
  endMs: number;
  text: string;
}

const TIMING = /^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$/;

/** Parses SRT text and checks numbering, timing syntax, end > start and text free of `-->`. */
export function readSrt(source: string): ReadSrtCue[] {
  if (source === '') return [];
  if (!source.endsWith('\n\n')) throw new Error('SRT must end with a blank line');
  const blocks = source.slice(0, -2).split('\n\n');
  return blocks.map((block, i) => {
    const [index, timing, ...text] = block.split('\n');
    if (index !== String(i + 1)) throw new Error(`block ${i + 1} is numbered ${JSON.stringify(index)}`);
    const match = (timing ?? '').match(TIMING);
    if (match === null) throw new Error(`block ${i + 1} has timing line ${JSON.stringify(timing)}`);
    const ms = (h: string, m: string, s: string, f: string): number =>
      ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(f);
    // TIMING's eight groups are not optional: a match has them all.
    const [, h1 = '', m1 = '', s1 = '', f1 = '', h2 = '', m2 = '', s2 = '', f2 = ''] = match;
    const startMs = ms(h1, m1, s1, f1);
    const endMs = ms(h2, m2, s2, f2);
    if (!(endMs > startMs)) throw new Error(`block ${i + 1} ends at or before its start`);
    if (text.length === 0 || text.some((line) => line.trim() === '')) {
      throw new Error(`block ${i + 1} has an empty text line`);
    }
    if (text.some((line) => line.includes('-->'))) throw new Error(`block ${i + 1} text contains -->`);
    return { index: i + 1, startMs, endMs, text: text.join('\n') };
  });
}
