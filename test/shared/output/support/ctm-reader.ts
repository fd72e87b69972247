/** One parsed CTM line. */
export interface ReadCtmLine {
  utterance: string;
  channel: string;
  startMs: number;
  durationMs: number;
  word: string;
  confidence: number;
}

const SECONDS = /^\d+\.\d{3}$/;

/**
 * A strict NIST CTM reader for the tests: `;;` comment lines, otherwise exactly six space-separated fields
 * with seconds and confidence to three decimals, confidence in [0, 1], starts in time order.
 */
export function readCtm(source: string): { comments: string[]; lines: ReadCtmLine[] } {
  const comments: string[] = [];
  const lines: ReadCtmLine[] = [];
  if (source === '') return { comments, lines };
  if (!source.endsWith('\n')) throw new Error('CTM must end with a newline');
  source
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      if (line.startsWith(';;')) {
        comments.push(line);
        return;
      }
      const fields = line.split(' ');
      if (fields.length !== 6 || fields.some((f) => f === '' || /\s/.test(f))) {
        throw new Error(`line ${i + 1} does not have six fields: ${JSON.stringify(line)}`);
      }
      const [utterance, channel, start, duration, token, confidence] = fields as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      if (!SECONDS.test(start) || !SECONDS.test(duration) || !/^[01]\.\d{3}$/.test(confidence)) {
        throw new Error(`line ${i + 1} has a malformed number: ${JSON.stringify(line)}`);
      }
      const parsed = {
        utterance,
        channel,
        startMs: Math.round(Number(start) * 1000),
        durationMs: Math.round(Number(duration) * 1000),
        word: token,
        confidence: Number(confidence),
      };
      if (parsed.confidence > 1) throw new Error(`line ${i + 1} confidence above 1`);
      const previous = lines[lines.length - 1];
      if (previous !== undefined && parsed.startMs < previous.startMs)
        throw new Error(`line ${i + 1} out of order`);
      lines.push(parsed);
    });
  return { comments, lines };
}
