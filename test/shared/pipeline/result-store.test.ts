import type { ObjectStore } from '../../../shared/pipeline/object-store';
import { writeResult } from '../../../shared/pipeline/result-store';
import { makeResult, word } from '../output/support/result-fixture';

interface Put {
  key: string;
  body: string;
  contentType: string;
  metadata: Record<string, string> | undefined;
}

/** Records puts in the order they complete; the store's other methods are not used by writeResult. */
function recordingStore(): { store: ObjectStore; puts: Put[] } {
  const puts: Put[] = [];
  const store = {
    async put(
      _bucket: string,
      key: string,
      body: string | Uint8Array,
      options: { contentType: string; metadata?: Record<string, string> },
    ) {
      puts.push({ key, body: String(body), contentType: options.contentType, metadata: options.metadata });
    },
  } as unknown as ObjectStore;
  return { store, puts };
}

describe('writeResult', () => {
  it('writes the HTML viewer as a text/html sibling with the audio embedded, and the JSON last', async () => {
    // Prepare
    const { store, puts } = recordingStore();
    const result = makeResult([word('hello', 0.1, 0.5)]);
    const audio = { samples: new Float32Array(16_000), sampleRate: 16_000, href: '../incoming/a.wav' };

    // Act
    const keys = await writeResult(
      store,
      'bucket',
      (extension) => `results/a${extension}`,
      result,
      ['json', 'vtt', 'html'],
      { audioEtag: 'e1', transcriptEtag: undefined },
      audio,
    );

    // Assess
    expect(keys).toEqual(['results/a.json', 'results/a.vtt', 'results/a.html']);
    expect(puts.map((put) => put.key).at(-1)).toBe('results/a.json');
    const html = puts.find((put) => put.key === 'results/a.html')!;
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.body).toMatch(/^<!doctype html>/);
    expect(html.body).toContain('"audio":{"src":"data:audio/wav;base64,');
  });

  it('writes no viewer unless html is asked for', async () => {
    const { store, puts } = recordingStore();

    await writeResult(
      store,
      'bucket',
      (extension) => `results/a${extension}`,
      makeResult([word('hello', 0.1, 0.5)]),
      ['json', 'textgrid', 'vtt', 'srt', 'ctm'],
      { audioEtag: 'e1', transcriptEtag: 't1' },
      { samples: new Float32Array(16), sampleRate: 16_000 },
    );

    expect(puts.map((put) => put.key).sort()).toEqual([
      'results/a.TextGrid',
      'results/a.ctm',
      'results/a.json',
      'results/a.srt',
      'results/a.vtt',
    ]);
  });
});
