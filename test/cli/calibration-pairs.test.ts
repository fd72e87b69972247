import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrationPairs } from '../../cli/calibration-pairs';
import { FolderStore } from '../../shared/folder/folder-store';
import { MAX_TRANSCRIPT_BYTES } from '../../shared/pipeline/transcript-discovery';

/** A folder with the given files; audio files hold nothing, as pairing never reads them. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2v2-calibration-pairs-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function pairsIn(dir: string) {
  return calibrationPairs(dir, await new FolderStore({ input: dir }).list('input'));
}

function truth(...words: [string, number, number][]): string {
  return JSON.stringify({ words: words.map(([word, start, end]) => ({ word, start, end })) });
}

function textGrid(words: [string, number, number][]): string {
  const intervals = words.map(([text, xmin, xmax]) => `${xmin}\n${xmax}\n"${text}"`);
  const xmax = words.at(-1)![2];
  return `File type = "ooTextFile short"\n"TextGrid"\n0\n${xmax}\n<exists>\n1\n"IntervalTier"\n"words"\n0\n${xmax}\n${words.length}\n${intervals.join('\n')}\n`;
}

describe('calibrationPairs', () => {
  it('pairs each audio file with its reference, in subfolders too, and reads <name>.txt as its transcript', async () => {
    // Prepare
    const dir = folder({
      'a.wav': '',
      'a.txt': 'Hello, world.',
      'a.truth.json': truth(['hello', 0.1, 0.5], ['world', 0.5, 0.9]),
      'sub/b.flac': '',
      'sub/b.TEXTGRID': textGrid([
        ['hi', 0, 0.4],
        ['there', 0.4, 1],
      ]),
      'c.wav': '',
      'c.txt': 'no reference',
    });

    // Act
    const pairs = await pairsIn(dir);

    // Assess
    expect(pairs).toEqual([
      {
        audio: 'a.wav',
        reference: 'a.truth.json',
        transcript: 'a.txt',
        text: 'Hello, world.',
        referenceWords: [
          { text: 'hello', start: 0.1, end: 0.5, timed: true },
          { text: 'world', start: 0.5, end: 0.9, timed: true },
        ],
      },
      {
        audio: 'sub/b.flac',
        reference: 'sub/b.TEXTGRID',
        transcript: undefined,
        text: 'hi there',
        referenceWords: [
          { text: 'hi', start: 0, end: 0.4, timed: true },
          { text: 'there', start: 0.4, end: 1, timed: true },
        ],
      },
    ]);
  });

  it('prefers a TextGrid to a truth file to a result, and passes over a <name>.json descriptor', async () => {
    // Prepare
    const dir = folder({
      'a.wav': '',
      'a.TextGrid': textGrid([['grid', 0, 1]]),
      'a.truth.json': truth(['truth', 0, 1]),
      'b.wav': '',
      'b.truth.json': truth(['truth', 0, 1]),
      'b.json': truth(['result', 0, 1]),
      'c.wav': '',
      'c.json': JSON.stringify({ text: 'a descriptor' }),
      'd.wav': '',
      'd.json': truth(['result', 0, 1]),
    });

    // Act
    const pairs = await pairsIn(dir);

    // Assess
    expect(pairs.map((pair) => [pair.audio, pair.reference, pair.text])).toEqual([
      ['a.wav', 'a.TextGrid', 'grid'],
      ['b.wav', 'b.truth.json', 'truth'],
      ['d.wav', 'd.json', 'result'],
    ]);
  });

  it('refuses a broken reference naming its file', async () => {
    const notJson = folder({ 'a.wav': '', 'a.truth.json': '{"words": [' });
    const noWords = folder({ 'a.wav': '', 'a.truth.json': '{"text": "a"}' });
    const badGrid = folder({ 'a.wav': '', 'a.TextGrid': 'File type = "ooTextFile"\n"Pitch 1"\n' });

    await expect(pairsIn(notJson)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/reference file ".*a\.truth\.json" is not valid JSON/),
    });
    await expect(pairsIn(noWords)).rejects.toThrow('a.truth.json: it has no "words" list');
    await expect(pairsIn(badGrid)).rejects.toThrow('a.TextGrid: a Praat Pitch 1, not a TextGrid');
  });

  it('reads no reference or transcript over the CLI input limit', async () => {
    const big = 'x'.repeat(MAX_TRANSCRIPT_BYTES + 1);
    const bigReference = folder({ 'a.wav': '', 'a.TextGrid': big });
    const bigTranscript = folder({ 'a.wav': '', 'a.txt': big, 'a.truth.json': truth(['a', 0, 1]) });

    await expect(pairsIn(bigReference)).rejects.toThrow(
      new RegExp(`reference file ".*a\\.TextGrid" is ${big.length} bytes; at most ${MAX_TRANSCRIPT_BYTES}`),
    );
    await expect(pairsIn(bigTranscript)).rejects.toThrow(/transcript file ".*a\.txt" is \d+ bytes; at most/);
  });
});
