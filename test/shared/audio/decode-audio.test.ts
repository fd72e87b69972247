import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DecodeOptions } from '../../../shared/audio/audio-types';
import { decodeAudioBuffer, decodeAudioFile, decodeAudioStream } from '../../../shared/audio/decode-audio';
import { alignFailure } from '../../helpers/align-failure';
import type { StreamMemoryReport } from './stream-memory-probe';
import { buildWav, encodeSamples, sine } from './wav-fixture';

const OPTIONS: DecodeOptions = { targetSampleRate: 16_000, maxDurationSec: 3600, timeoutMs: 5000 };

const execFileAsync = promisify(execFile);

describe('decodeAudioFile', () => {
  let dir: string;
  const wav = buildWav({
    fmt: { channels: 2, sampleRate: 48_000, bitsPerSample: 16 },
    data: encodeSamples(sine(48_000, 1000, 48_000, [0.5, 0.5]), 's16'),
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'audio-'));
    writeFileSync(join(dir, 'tone.wav'), wav);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a small file whole and decodes it', async () => {
    // Act
    const decoded = await decodeAudioFile(join(dir, 'tone.wav'), OPTIONS);

    // Assess
    expect(decoded.samples.length).toBe(16_000);
    expect(decoded.info).toEqual({
      durationSec: 1,
      sampleRate: 48_000,
      channels: 2,
      format: 'wav',
      codec: 'pcm_s16le',
    });
  });

  it('streams a file at the threshold and gets the same samples', async () => {
    const whole = await decodeAudioFile(join(dir, 'tone.wav'), OPTIONS);

    const streamed = await decodeAudioFile(join(dir, 'tone.wav'), {
      ...OPTIONS,
      streamThresholdBytes: wav.length,
    });

    expect(streamed.samples).toEqual(whole.samples);
    expect(streamed.info).toEqual(whole.info);
  });

  it('recognises the format from the bytes, not the extension', async () => {
    writeFileSync(join(dir, 'really-a-wav.mp3'), wav);

    const decoded = await decodeAudioFile(join(dir, 'really-a-wav.mp3'), OPTIONS);

    expect(decoded.info.format).toBe('wav');
  });

  it('streams a FIFO, whose size is unknown, to the same samples as the file', async () => {
    // Prepare
    const fifo = join(dir, 'tone-fifo.wav');
    execFileSync('mkfifo', [fifo]);
    const whole = await decodeAudioFile(join(dir, 'tone.wav'), OPTIONS);

    // Act: the writer's open waits for the decoder's, so both run together.
    const [streamed] = await Promise.all([decodeAudioFile(fifo, OPTIONS), writeFile(fifo, wav)]);

    // Assess
    expect(streamed.samples).toEqual(whole.samples);
    expect(streamed.info).toEqual(whole.info);
  });

  it('fails with INVALID_INPUT naming a file that does not exist', async () => {
    const error = await alignFailure(decodeAudioFile(join(dir, 'missing.wav'), OPTIONS));

    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('missing.wav');
  });

  it('fails with INVALID_INPUT on options it cannot honour', async () => {
    const error = await alignFailure(
      decodeAudioFile(join(dir, 'tone.wav'), { ...OPTIONS, targetSampleRate: 0 }),
    );

    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/targetSampleRate/);
  });
});

describe('decodeAudioStream timeouts', () => {
  // The clock is jest's: the timeout is shown to fire at the configured time, not before, whatever the load.
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  /** Settles `promise` into a flag the test can read while it is still pending. */
  function watch<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    return { settled: () => settled, promise: watched };
  }

  /** Whether `watched` has settled just before and just after `timeoutMs` of the test's clock. */
  async function aroundTimeout(watched: { settled: () => boolean }, timeoutMs: number): Promise<boolean[]> {
    await jest.advanceTimersByTimeAsync(timeoutMs - 1);
    const before = watched.settled();
    await jest.advanceTimersByTimeAsync(1);
    // A real macrotask: every promise callback the timeout set off has run by then.
    await new Promise((resolve) => setImmediate(resolve));
    return [before, watched.settled()];
  }

  it('fails with TIMEOUT when the source stops sending, once the configured time has passed and not before', async () => {
    // Prepare
    const header = buildWav({
      fmt: { channels: 1, sampleRate: 16_000, bitsPerSample: 16 },
      data: new Uint8Array(0),
      dataSize: 0,
    });
    async function* stalls(): AsyncGenerator<Uint8Array> {
      yield header;
      await new Promise(() => undefined);
    }
    const decoding = watch(alignFailure(decodeAudioStream(stalls(), { ...OPTIONS, timeoutMs: 200 })));

    // Act
    const settled = await aroundTimeout(decoding, 200);

    // Assess
    expect(settled).toEqual([false, true]);
    const error = await decoding.promise;
    expect(error.code).toBe('TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/reading the audio took longer than 200 ms/);
  });

  it('fails with TIMEOUT when the source only sends empty chunks: they do not restart the clock', async () => {
    // Prepare
    async function* empties(): AsyncGenerator<Uint8Array> {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield new Uint8Array(0);
      }
    }
    const decoding = watch(alignFailure(decodeAudioStream(empties(), { ...OPTIONS, timeoutMs: 200 })));

    // Act
    const settled = await aroundTimeout(decoding, 200);

    // Assess
    expect(settled).toEqual([false, true]);
    expect((await decoding.promise).code).toBe('TIMEOUT');
  });

  it('fails with INVALID_INPUT when the stream yields text instead of bytes', async () => {
    async function* text(): AsyncGenerator<Uint8Array> {
      yield 'RIFF' as unknown as Uint8Array;
    }

    const error = await alignFailure(decodeAudioStream(text(), OPTIONS));

    expect(error.code).toBe('INVALID_INPUT');
  });
});

describe('decodeAudioStream memory', () => {
  it('decodes a 200 MB stereo 48 kHz WAV stream holding little more than the output', async () => {
    // Prepare: the probe generates the stream chunk by chunk in its own process and samples live memory.
    const probe = join(__dirname, 'stream-memory-probe.ts');
    const root = join(__dirname, '..', '..', '..');

    // Act
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', probe, '200'],
      {
        cwd: root,
        timeout: 50_000,
      },
    );
    const report = JSON.parse(stdout) as StreamMemoryReport;

    // Assess
    expect(report.dataBytes).toBeGreaterThanOrEqual(200 * 1024 * 1024);
    expect(report.samples).toBe(Math.ceil(report.dataBytes / 8 / 3));
    expect(report.durationSec).toBeCloseTo(report.dataBytes / 8 / 48_000, 6);
    expect(report.lastSecondTone).toBeCloseTo(0.375, 2);
    expect(report.peakBytes).toBeLessThan(report.outputBytes + 8 * 1024 * 1024);
    expect(report.peakBytes).toBeLessThan(report.dataBytes / 4);
  });
});

describe('decodeAudioBuffer', () => {
  it('decodes the same bytes as decodeAudioStream', async () => {
    const wav = buildWav({
      fmt: { channels: 1, sampleRate: 8000, bitsPerSample: 8 },
      data: encodeSamples(sine(4000, 300, 8000), 'u8'),
    });
    async function* once(): AsyncGenerator<Uint8Array> {
      yield wav;
    }

    const fromBuffer = await decodeAudioBuffer(wav, OPTIONS);
    const fromStream = await decodeAudioStream(once(), OPTIONS);

    expect(fromBuffer.samples).toEqual(fromStream.samples);
    expect(fromBuffer.samples.length).toBe(8000);
  });
});
