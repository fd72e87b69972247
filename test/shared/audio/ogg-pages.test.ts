import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OggPageCheck, opusPreSkip } from '../../../shared/audio/ogg-pages';
import type { StreamEnd } from '../../../shared/audio/stream-end';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'audio');

function verdict(bytes: Uint8Array, pieceBytes: number): StreamEnd {
  const check = new OggPageCheck();
  for (let at = 0; at < bytes.length; at += pieceBytes) check.push(bytes.subarray(at, at + pieceBytes));
  return check.finish();
}

/** Where the last Ogg page of `bytes` starts, walking the page headers. */
function lastPageStart(bytes: Uint8Array): number {
  let lastPage = 0;
  for (let at = 0; at < bytes.length; ) {
    lastPage = at;
    const segments = bytes.subarray(at + 27, at + 27 + bytes[at + 26]!);
    at += 27 + segments.length + segments.reduce((sum, lacing) => sum + lacing, 0);
  }
  return lastPage;
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
    const lastPage = lastPageStart(bytes);
    const junk = Buffer.from('junk OggS\x01 more junk OggSO');
    const withJunk = Buffer.concat([bytes.subarray(0, lastPage), junk, bytes.subarray(lastPage)]);

    // Act
    const judged = [verdict(withJunk, withJunk.length), verdict(withJunk, 1)];

    // Assess
    expect(bytes[lastPage + 5]! & 0x04).toBe(0x04);
    expect(judged).toEqual([{ complete: true }, { complete: true }]);
  });

  it('reads the end-of-stream granule position as soon as that page header is in, before its body', () => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, 'stereo-440-660.opus'));
    const headerEnd = lastPageStart(bytes) + 27;
    const check = new OggPageCheck();

    // Act
    check.push(bytes.subarray(0, headerEnd - 1));
    const beforeHeader = check.finalGranule;
    check.push(bytes.subarray(headerEnd - 1, headerEnd));
    const afterHeader = check.finalGranule;

    // Assess: 0.5 s at 48 kHz plus opusenc's 312-sample pre-skip.
    expect(beforeHeader).toBeUndefined();
    expect(afterHeader).toBe(24_312);
  });

  it('gives no final granule position once a second logical stream begins, as in a chained file', () => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, 'stereo-440-660.opus'));
    const [single, chained] = [new OggPageCheck(), new OggPageCheck()];

    // Act
    single.push(bytes);
    chained.push(Buffer.concat([bytes, bytes]));

    // Assess
    expect(single.finalGranule).toBe(24_312);
    expect(chained.finalGranule).toBeUndefined();
  });
});

describe('OggPageCheck on chained streams', () => {
  it('refuses a file of two Ogg streams joined end to end, since only the first would be decoded', () => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, 'stereo-440-660.opus'));

    // Act
    const joined = verdict(Buffer.concat([bytes, bytes]), 4096);

    // Assess
    expect(joined).toEqual({
      complete: false,
      certain: true,
      reason: expect.stringMatching(/^it chains 2 Ogg streams one after another/),
    });
  });
});

describe('opusPreSkip', () => {
  it("reads the pre-skip from an Ogg Opus file's identification header", () => {
    // Prepare
    const bytes = readFileSync(join(FIXTURES, 'stereo-440-660.opus'));

    // Act
    const preSkip = opusPreSkip(bytes);

    // Assess: opusenc's encoder delay, 6.5 ms at 48 kHz.
    expect(preSkip).toBe(312);
  });
});
