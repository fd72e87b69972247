import { classifyKey, failureKey, rejectedFailureKey, resultKey } from '../../../shared/pipeline/object-keys';

const layout = { incomingPrefix: 'incoming/', resultsPrefix: 'results/', failedPrefix: 'failed/' };

describe('object keys', () => {
  it('classifies audio and transcripts by extension, case-insensitively, keeping the nested stem', () => {
    expect(classifyKey('incoming/a/b/Talk.WAV', layout)).toEqual({
      kind: 'audio',
      stem: 'a/b/Talk',
      extension: 'wav',
    });
    expect(classifyKey('incoming/a/name.with.dots.txt', layout)).toEqual({
      kind: 'transcript',
      stem: 'a/name.with.dots',
      extension: 'txt',
    });
  });

  it.each([
    ['results/a.wav', 'an output of the pipeline'],
    ['failed/_rejected/0123.json', 'an output of the pipeline'],
    ['incoming/a.pdf', 'neither audio'],
    ['incoming/README', 'no file extension'],
  ])('ignores %s', (key, reason) => {
    expect(classifyKey(key, layout)).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining(reason),
    });
  });

  it.each([
    ['elsewhere/x.wav', 'outside incoming/'],
    ['incoming/../x.wav', '".."'],
    ['incoming/a/./x.wav', '"."'],
    ['incoming/a//x.wav', 'empty'],
    ['incoming/a\u0000b.wav', 'control characters'],
    [`incoming/${'é'.repeat(600)}.wav`, 'too long'],
  ])('rejects the hostile key %j', (key, reason) => {
    expect(classifyKey(key, layout)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringContaining(reason),
    });
  });

  it('derives result, failure and rejected-failure keys', () => {
    expect(resultKey(layout, 'a/b', '.TextGrid')).toBe('results/a/b.TextGrid');
    expect(failureKey(layout, 'a/b')).toBe('failed/a/b.json');
    expect(rejectedFailureKey(layout, 'incoming/../x.wav')).toMatch(
      /^failed\/_rejected\/[0-9a-f]{40}\.json$/,
    );
    expect(rejectedFailureKey(layout, 'k1')).not.toBe(rejectedFailureKey(layout, 'k2'));
  });
});
