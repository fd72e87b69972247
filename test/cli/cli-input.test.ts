import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TRANSCRIPT_BYTES } from '../../shared/pipeline/transcript-discovery';
import { runCliProcess } from '../helpers/cli-process';
import { SAMPLES_DIR } from '../helpers/demo-model';

const AUDIO = join(SAMPLES_DIR, 'puppy-tail.wav');
/** Kills a run that regresses to reading without bound well before it could hurt the machine. */
const LIMITS = { killAfterMs: 30_000, maxRssBytes: 1024 ** 3 };

describe('w2v2-align --text-file', () => {
  it('refuses a transcript from a device that never ends once it passes the pipeline limit, in little memory', async () => {
    // Act
    const run = await runCliProcess(['align', AUDIO, '--text-file', '/dev/zero'], {}, LIMITS);

    // Assess
    expect(run.killed).toBeUndefined();
    expect(run.stderr.split('\n')[0]).toBe(
      `error INVALID_INPUT: transcript file "/dev/zero" sent more than ${MAX_TRANSCRIPT_BYTES} bytes; ` +
        `at most ${MAX_TRANSCRIPT_BYTES} bytes are read`,
    );
    expect(run.code).toBe(2);
    expect(run.peakRssBytes).toBeGreaterThan(0);
    expect(run.peakRssBytes).toBeLessThan(256 * 1024 ** 2);
  });

  it('refuses an audio file passed as the transcript, saying what it looks like, before loading the model', async () => {
    // Act
    const run = await runCliProcess(['align', AUDIO, '--text-file', AUDIO], {}, LIMITS);

    // Assess
    expect(run.stderr.split('\n')[0]).toBe(
      `error INVALID_INPUT: transcript file "${AUDIO}" is not text (it looks like a WAV file)`,
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('refuses a regular transcript file over the limit by its size', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'w2v2-text-')), 'book.txt');
    writeFileSync(file, 'a'.repeat(MAX_TRANSCRIPT_BYTES + 1));

    // Act
    const run = await runCliProcess(['align', AUDIO, '--text-file', file], {}, LIMITS);

    // Assess
    expect(run.stderr.split('\n')[0]).toBe(
      `error INVALID_INPUT: transcript file "${file}" is ${MAX_TRANSCRIPT_BYTES + 1} bytes; ` +
        `at most ${MAX_TRANSCRIPT_BYTES} bytes are read`,
    );
    expect(run.code).toBe(2);
  });
});
