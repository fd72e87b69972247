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
    const startMs = ms(match[1]!, match[2]!, match[3]!, match[4]!);
    const endMs = ms(match[5]!, match[6]!, match[7]!, match[8]!);
    if (!(endMs > startMs)) throw new Error(`block ${i + 1} ends at or before its start`);
    if (text.length === 0 || text.some((line) => line.trim() === '')) {
      throw new Error(`block ${i + 1} has an empty text line`);
    }
    if (text.some((line) => line.includes('-->'))) throw new Error(`block ${i + 1} text contains -->`);
    return { index: i + 1, startMs, endMs, text: text.join('\n') };
  });
}
