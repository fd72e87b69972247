import { folderLayout } from '../../../shared/pipeline/folder-layout';

describe('folder layout', () => {
  it('keeps align-dir results beside the audio as <name>.align.<ext> and failures as <name>.error.json', () => {
    // Prepare
    const layout = folderLayout();

    // Act
    const keys = {
      descriptor: layout.inputKey('sub/talk', 'json'),
      result: layout.resultKey({ name: 'sub/talk' }, '.TextGrid'),
      failure: layout.failureKey({ name: 'sub/talk' }),
      rejected: layout.rejectedFailureKey('../x.wav'),
    };

    // Assess
    expect(keys).toEqual({
      descriptor: 'sub/talk.json',
      result: 'sub/talk.align.TextGrid',
      failure: 'sub/talk.error.json',
      rejected: expect.stringMatching(/^_rejected\/[0-9a-f]{40}\.error\.json$/),
    });
  });

  it('classifies audio (opus included) and transcripts by extension, and its own JSON outputs as ignored', () => {
    // Prepare
    const layout = folderLayout();
    const keys = ['sub/Talk.OPUS', 'sub/talk.txt', 'sub/talk.align.json', 'talk.flac.error.json'];

    // Act
    const classified = keys.map((key) => layout.classify(key));

    // Assess
    expect(classified).toEqual([
      { kind: 'audio', stem: 'sub/Talk', extension: 'opus', name: 'sub/Talk.OPUS' },
      { kind: 'transcript', stem: 'sub/talk', extension: 'txt', name: 'sub/talk.txt' },
      { kind: 'ignored', reason: 'an output of the pipeline' },
      { kind: 'ignored', reason: 'an output of the pipeline' },
    ]);
  });

  it('gives each audio file of one stem its own result and error record, the .wav the names it always had', () => {
    // Prepare
    const layout = folderLayout();

    // Act
    const named = ['sub/talk.wav', 'sub/talk.flac'].map((key) => {
      const classified = layout.classify(key);
      return classified.kind === 'audio'
        ? [layout.resultKey(classified, '.json'), layout.failureKey(classified)]
        : classified.kind;
    });

    // Assess
    expect(named).toEqual([
      ['sub/talk.align.json', 'sub/talk.error.json'],
      ['sub/talk.flac.align.json', 'sub/talk.flac.error.json'],
    ]);
  });

  it.each([
    ['a ".." segment', '../x.wav'],
    ['an absolute path', '/etc/x.wav'],
    ['a NUL character', 'a\u0000b.wav'],
  ])('rejects a key with %s', (_name, key) => {
    // Act
    const classified = folderLayout().classify(key);

    // Assess
    expect(classified.kind).toBe('rejected');
  });
});
