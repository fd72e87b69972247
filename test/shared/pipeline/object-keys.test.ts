import { bucketLayout, classifyKey } from '../../../shared/pipeline/object-keys';

const layout = { incomingPrefix: 'incoming/', resultsPrefix: 'results/', failedPrefix: 'failed/' };

describe('object keys', () => {
  it('classifies audio and transcripts by extension, case-insensitively, keeping the nested stem', () => {
    expect(classifyKey('incoming/a/b/Talk.WAV', layout)).toEqual({
      kind: 'audio',
      stem: 'a/b/Talk',
      extension: 'wav',
      name: 'a/b/Talk.WAV',
    });
    expect(classifyKey('incoming/a/name.with.dots.txt', layout)).toEqual({
      kind: 'transcript',
      stem: 'a/name.with.dots',
      extension: 'txt',
      name: 'a/name.with.dots.txt',
    });
  });

  it.each([
    ['results/a.wav', 'an output of the pipeline'],
    ['failed/_rejected/0123.json', 'an output of the pipeline'],
    ['incoming/a.pdf', 'neither audio'],
    ['incoming/README', 'no file extension'],
    ['incoming/z/folder/', 'a folder marker'],
    ['incoming/', 'a folder marker'],
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
    ['incoming/a/../b/', '".."'],
    ['incoming/a\u0007/', 'control characters'],
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
    expect(keys.resultKey({ name: 'a/b' }, '.TextGrid')).toBe('results/a/b.TextGrid');
    expect(keys.failureKey({ name: 'a/b' })).toBe('failed/a/b.json');
    expect(keys.rejectedFailureKey('incoming/../x.wav')).toMatch(/^failed\/_rejected\/[0-9a-f]{40}\.json$/);
    expect(keys.rejectedFailureKey('k1')).not.toBe(keys.rejectedFailureKey('k2'));
  });

  it('classifies through the layout as classifyKey does, opus included', () => {
    expect(bucketLayout(layout).classify('incoming/a/talk.opus')).toEqual({
      kind: 'audio',
      stem: 'a/talk',
      extension: 'opus',
      name: 'a/talk.opus',
    });
  });

  it('names the results of a .wav as it always did and keeps any other extension in the name', () => {
    // Prepare
    const keys = bucketLayout(layout);
    const audio = ['m2/multi.wav', 'm2/multi.flac', 'm2/multi.WAV', 'm2/multi.flac.wav'];

    // Act
    const named = audio.map((key) => {
      const classified = keys.classify(`incoming/${key}`);
      return classified.kind === 'audio'
        ? [keys.resultKey(classified, '.json'), keys.failureKey(classified)]
        : classified.kind;
    });

    // Assess
    expect(named).toEqual([
      ['results/m2/multi.json', 'failed/m2/multi.json'],
      ['results/m2/multi.flac.json', 'failed/m2/multi.flac.json'],
      ['results/m2/multi.WAV.json', 'failed/m2/multi.WAV.json'],
      ['results/m2/multi.flac.wav.json', 'failed/m2/multi.flac.wav.json'],
    ]);
  });

  it('never gives two input keys one name, however their names are dotted', () => {
    // Prepare
    const stems = ['t', 't.wav', 't.flac', 't.FLAC', 't.txt', 't.json', 't.x', 't.wav.wav', 't.opus.wav'];
    const extensions = ['wav', 'WAV', 'Wav', 'flac', 'mp3', 'ogg', 'opus', 'json', 'txt'];
    const inputKeys = stems.flatMap((stem) =>
      extensions.map((extension) => `incoming/d/${stem}.${extension}`),
    );

    // Act
    const names = inputKeys.map((key) => {
      const classified = classifyKey(key, layout);
      return 'name' in classified ? classified.name : classified.kind;
    });

    // Assess
    expect(names.filter((name) => name.startsWith('d/'))).toHaveLength(inputKeys.length);
    expect(new Set(names).size).toBe(inputKeys.length);
  });
});
