import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OggPageCheck } from '../../../shared/audio/ogg-pages';
import type { StreamEnd } from '../../../shared/audio/stream-end';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'audio');

function verdict(bytes: Uint8Array, pieceBytes: number): StreamEnd {
  const check = new OggPageCheck();
  for (let at = 0; at < bytes.length; at += pieceBytes) check.push(bytes.subarray(at, at + pieceBytes));
  return check.finish();
}

describe('OggPageCheck', () => {
  it.each(['ogg', 'opus', 'oga'])('finds the .%s fixture complete, whole or byte by byte', (extension) => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, `stereo-440-660.${extension}`));

    // Act
    const verdicts = [verdict(bytes, bytes.length), verdict(bytes, 1)];

    // Assess
    expect(verdicts).toEqual([{ complete: true }, { complete: true }]);
  });

  it('judges every cut of the Opus fixture truncated, the same in any piece size', () => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, 'stereo-440-660.opus'));
    const cuts = Array.from({ length: Math.floor(bytes.length / 37) }, (_, i) => 1 + i * 37);

    // Act
    const judged = cuts.map((cut) => [
      verdict(bytes.subarray(0, cut), cut),
      verdict(bytes.subarray(0, cut), 1),
    ]);

    // Assess
    for (const [whole, bytewise] of judged) {
      expect(whole).toMatchObject({ complete: false, certain: true });
      expect(bytewise).toEqual(whole);
    }
  });

  it('skips bytes between pages to the next capture pattern, past a chance "OggS" with a bad version', () => {
    // Prepare: the junk goes right before the end-of-stream page, whose capture pattern must not be lost.
    const bytes = readFileSync(join(FIXTURES, 'stereo-440-660.opus'));
    let lastPage = 0;
    for (let at = 0; at < bytes.length; ) {
      lastPage = at;
      const segments = bytes.subarray(at + 27, at + 27 + bytes[at + 26]!);
      at += 27 + segments.length + segments.reduce((sum, lacing) => sum + lacing, 0);
    }
    const junk = Buffer.from('junk OggS\x01 more junk OggSO');
    const withJunk = Buffer.concat([bytes.subarray(0, lastPage), junk, bytes.subarray(lastPage)]);

    // Act
    const judged = [verdict(withJunk, withJunk.length), verdict(withJunk, 1)];

    // Assess
    expect(bytes[lastPage + 5]! & 0x04).toBe(0x04);
    expect(judged).toEqual([{ complete: true }, { complete: true }]);
  });
});
