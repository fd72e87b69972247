import type { AlignmentResult } from '../../../shared/output/result';
import { ActivityMetrics } from '../../../shared/telemetry/activity-metrics';
import { errorCodeMetric } from '../../../shared/telemetry/metric-names';
import { emfProblems } from './emf-rules';

/** What docs/metrics.md lists for a successful activity. */
const SUCCESS_METRICS = [
  'ActivitySuccess',
  'AlignFailure',
  'AudioDurationSeconds',
  'DownloadMs',
  'InferenceMs',
  'AlignMs',
  'RealTimeFactor',
  'WordsTotal',
  'WordsAligned',
  'WordsUnaligned',
  'SkippedTokens',
  'MeanWordScore',
  'LowScoreWords',
  'SuspectAlignment',
];

function result(backend: 'cpu' | 'triton'): AlignmentResult {
  return {
    version: 1,
    mode: 'align',
    source: { bucket: 'b', key: 'incoming/a.wav' },
    audio: { durationSec: 2.5, sampleRate: 16000, channels: 1, format: 'wav' },
    model: { name: 'm', backend, quantized: false, frameSec: 0.02 },
    text: 'secret words',
    words: [],
    chars: [],
    stats: {
      wordsTotal: 2,
      wordsAligned: 1,
      wordsUnaligned: 1,
      skippedTokens: ['é', 'ß'],
      meanWordScore: 0.75,
      lowScoreWords: 1,
      downloadMs: 12,
      inferenceMs: 340,
      alignMs: 5,
      realTimeFactor: 0.14,
    },
    warnings: [],
  };
}

/** Runs `act` and returns the EMF lines it wrote to stdout. */
function emitted(act: () => void): Array<Record<string, unknown> & { line: string }> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), line }));
}

describe('ActivityMetrics', () => {
  const metrics = new ActivityMetrics({ namespace: 'W2V2Align', serviceName: 'w2v2-align' });

  it('emits every metric of a successful activity as one valid EMF document', () => {
    // Act
    const lines = emitted(() => metrics.succeeded(result('triton')));

    // Assess
    expect(lines).toHaveLength(1);
    const [doc] = lines;
    expect(emfProblems(doc!.line)).toEqual([]);
    const directive = (
      doc!._aws as {
        CloudWatchMetrics: Array<{
          Namespace: string;
          Dimensions: string[][];
          Metrics: Array<{ Name: string }>;
        }>;
      }
    ).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('W2V2Align');
    expect(directive.Dimensions[0]?.sort()).toEqual(['Backend', 'service']);
    expect(directive.Metrics.map((m) => m.Name).sort()).toEqual([...SUCCESS_METRICS].sort());
    expect(doc).toMatchObject({
      service: 'w2v2-align',
      Backend: 'triton',
      ActivitySuccess: 1,
      AlignFailure: 0,
      SkippedTokens: 2,
      AudioDurationSeconds: 2.5,
    });
    expect(doc?.line).not.toContain('secret words');
  });

  it('emits SuspectAlignment=1 for an alignment that looks wrong and 0 for one that looks right', () => {
    // Prepare
    const word = (score: number) => ({
      word: 'w',
      normalized: 'W',
      start: 0,
      end: 0.2,
      score,
      aligned: true,
    });
    // The stats summarise the words' scores, as a result's always do.
    const scored = (scores: number[], meanWordScore: number, lowScoreWords: number): AlignmentResult => {
      const base = result('cpu');
      return { ...base, words: scores.map(word), stats: { ...base.stats, meanWordScore, lowScoreWords } };
    };
    const wrong = scored([0.1, 0.2], 0.15, 2);
    const right = scored([0.9, 0.8], 0.85, 0);

    // Act
    const [wrongDoc] = emitted(() => metrics.succeeded(wrong));
    const [rightDoc] = emitted(() => metrics.succeeded(right));
    const [transcribedDoc] = emitted(() => metrics.succeeded({ ...wrong, mode: 'transcribe' }));

    // Assess
    expect(emfProblems(wrongDoc!.line)).toEqual([]);
    expect([
      wrongDoc?.SuspectAlignment,
      rightDoc?.SuspectAlignment,
      transcribedDoc?.SuspectAlignment,
    ]).toEqual([1, 0, 0]);
  });

  it('emits ActivitySuccess=0, AlignFailure=1 and the error-code metric for a failure', () => {
    const lines = emitted(() => metrics.failed('AUDIO_DECODE', 'cpu'));

    expect(lines).toHaveLength(1);
    expect(emfProblems(lines[0]!.line)).toEqual([]);
    expect(lines[0]).toMatchObject({
      ActivitySuccess: 0,
      AlignFailure: 1,
      Error_AUDIO_DECODE: 1,
      Backend: 'cpu',
    });
  });

  it('adds FailureRecordsLost=1 to a failure whose record could not be written, and only then', () => {
    const [lost] = emitted(() => metrics.failed('S3', 'triton', true));
    const [kept] = emitted(() => metrics.failed('S3', 'triton'));

    expect(emfProblems(lost!.line)).toEqual([]);
    expect(lost).toMatchObject({ AlignFailure: 1, Error_S3: 1, FailureRecordsLost: 1, Backend: 'triton' });
    expect(kept).not.toHaveProperty('FailureRecordsLost');
  });

  it('keeps the error-code metric to the closed set of codes', () => {
    expect(errorCodeMetric('TIMEOUT')).toBe('Error_TIMEOUT');
    expect(errorCodeMetric('SOMETHING_NEW_FROM_A_LIBRARY')).toBe('Error_INTERNAL');
  });

  it('catches EMF documents that break the rules', () => {
    const undeclaredValue = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['service']], Metrics: [{ Name: 'X', Unit: 'Count' }] },
        ],
      },
      service: 's',
    });
    const badUnit = JSON.stringify({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          { Namespace: 'N', Dimensions: [['Backend']], Metrics: [{ Name: 'X', Unit: 'Furlongs' }] },
        ],
      },
      X: 1,
    });

    expect(emfProblems(undeclaredValue)).toEqual(['X: value missing or not numeric']);
    expect(emfProblems(badUnit)).toEqual(['dimension Backend has no string value', 'X: invalid unit']);
  });
});
