import { folderLayout } from '../../../shared/pipeline/folder-layout';

describe('folder layout', () => {
  it('keeps align-dir results beside the audio as <name>.align.<ext> and failures as <name>.error.json', () => {
    // Prepare
    const layout = folderLayout();

    // Act
    const keys = {
      descriptor: layout.inputKey('sub/talk', 'json'),
      result: layout.resultKey('sub/talk', '.TextGrid'),
      failure: layout.failureKey('sub/talk'),
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

    // Act
    const classified = ['sub/Talk.OPUS', 'sub/talk.txt', 'sub/talk.align.json', 'talk.error.json'].map(
      (key) => layout.classify(key),
    );

    // Assess
    expect(classified).toEqual([
      { kind: 'audio', stem: 'sub/Talk', extension: 'opus' },
      { kind: 'transcript', stem: 'sub/talk', extension: 'txt' },
      { kind: 'ignored', reason: 'an output of the pipeline' },
      { kind: 'ignored', reason: 'an output of the pipeline' },
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
