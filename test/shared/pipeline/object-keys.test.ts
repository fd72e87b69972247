import { bucketLayout, classifyKey } from '../../../shared/pipeline/object-keys';

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

  it('derives input, result, failure and rejected-failure keys', () => {
    const keys = bucketLayout(layout);

    expect(keys.inputKey('a/b', 'txt')).toBe('incoming/a/b.txt');
    expect(keys.resultKey('a/b', '.TextGrid')).toBe('results/a/b.TextGrid');
    expect(keys.failureKey('a/b')).toBe('failed/a/b.json');
    expect(keys.rejectedFailureKey('incoming/../x.wav')).toMatch(/^failed\/_rejected\/[0-9a-f]{40}\.json$/);
    expect(keys.rejectedFailureKey('k1')).not.toBe(keys.rejectedFailureKey('k2'));
  });

  it('classifies through the layout as classifyKey does, opus included', () => {
    expect(bucketLayout(layout).classify('incoming/a/talk.opus')).toEqual({
      kind: 'audio',
      stem: 'a/talk',
      extension: 'opus',
    });
  });
});
