import { createHash } from 'node:crypto';
import type { AlignmentResult } from '../../../../shared/output/result';
import { renderHtmlViewer } from '../../../../shared/output/viewer/html-viewer';
import { captured } from '../../../helpers/captured';
import { makeResult, word } from '../support/result-fixture';

interface PageData {
  result: AlignmentResult;
  peaks: { binsPerSec: number; minMax: string } | null;
  audio: { src: string | null; note?: string };
}

function pageData(html: string): PageData {
  const json = captured(/<script type="application\/json" id="viewer-data">(.*?)<\/script>/s, html);
  return JSON.parse(json) as PageData;
}

const result = makeResult([word('Hello,', 0.1, 0.4), word('<b>world</b>', 0.5, 0.9, { aligned: false })], {
  key: 'incoming/<x>.wav',
});

describe('renderHtmlViewer', () => {
  it('embeds short audio as a 16-bit WAV data: URL next to its waveform envelope', () => {
    const samples = new Float32Array(16_000).fill(0.25);

    const data = pageData(renderHtmlViewer(result, { samples, sampleRate: 16_000, href: 'x.wav' }));

    expect(data.audio.src).toMatch(/^data:audio\/wav;base64,UklGR/);
    expect(Buffer.from(data.audio.src!.split(',')[1]!, 'base64').length).toBe(44 + 2 * 16_000);
    expect(data.peaks?.binsPerSec).toBe(400);
    expect(Buffer.from(data.peaks!.minMax, 'base64').length).toBe(800);
  });

  it('references audio longer than the embedding limit by its relative path', () => {
    const samples = new Float32Array(3 * 1000);

    const data = pageData(
      renderHtmlViewer(result, { samples, sampleRate: 1000, href: '../a%20b.wav' }, { maxEmbedSec: 2 }),
    );

    expect(data.audio.src).toBe('../a%20b.wav');
  });

  it('says why there is no sound when long audio has no known location, or no audio was given', () => {
    const long = pageData(
      renderHtmlViewer(result, { samples: new Float32Array(3000), sampleRate: 1000 }, { maxEmbedSec: 2 }),
    );
    const none = pageData(renderHtmlViewer(result));

    expect(long.audio).toEqual({ src: null, note: expect.stringMatching(/longer than the 2 s embedded/) });
    expect(none.audio.src).toBeNull();
    expect(none.peaks).toBeNull();
  });

  it('carries the words verbatim in data only, never as markup, and drops the character timings', () => {
    const html = renderHtmlViewer({ ...result, chars: [{ char: 'H', start: 0.1, end: 0.2, score: 1 }] });

    expect(html).not.toContain('<b>');
    expect(html).toContain('<title>&lt;x&gt;.wav · w2v2-align</title>');
    expect(pageData(html).result.words.map((w) => w.word)).toEqual(['Hello,', '<b>world</b>']);
    expect(pageData(html).result.chars).toEqual([]);
  });

  it('allows only its own inline script and style by hash, and no network source', () => {
    const html = renderHtmlViewer(result);

    const policy = captured(/http-equiv="Content-Security-Policy" content="([^"]*)"/, html);
    const script = captured(/<script>(.*)<\/script>/s, html);
    const style = captured(/<style>(.*)<\/style>/s, html);
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    expect(policy).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(policy).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(policy).toMatch(/^default-src 'none'/);
    expect(policy).not.toMatch(/https?:|\*/);
  });
});
