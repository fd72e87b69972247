import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadModelSpec } from '../../shared/model/model-spec';
import { speakNumbers } from '../../shared/text/numbers';
import { tokenizeTranscript } from '../../shared/text/tokenizer';
import { loadAverage } from './load-average';
import { medianMs } from './median-ms';
import { printTable } from './table';

/** Control and bidirectional characters, stacked accents, joined emoji, a lone surrogate, a number, dashes. */
const HOSTILE = 'Hello\u0000 \u202Eدنیا\u202C e\u0301\u0301\u0301 😀\u200D😀 \uD800 -- 42nd \uFFFF ';
const MEGABYTE = 1_000_000;

/**
 * Transcript preparation on hostile input of 1 and 2 MB: the tokenizer (robust mode, demo-en vocabulary)
 * on repeated hostile text, and number reading on a run of digits. Median of 3 runs; the 2 MB / 1 MB ratio
 * is about 2 when the work is linear in the text. Figures only, no pass or fail.
 */
export async function runTextBench(): Promise<void> {
  const { vocabulary } = await loadModelSpec(join(__dirname, '..', '..', 'models', 'demo-en'));
  process.stdout.write(
    `\nTranscript preparation (median of 3 runs after a warm-up; load average ${loadAverage()} on ` +
      `${availableParallelism()} cores)\n`,
  );
  const cases: ReadonlyArray<{
    name: string;
    input: (bytes: number) => string;
    run: (text: string) => unknown;
  }> = [
    {
      name: 'tokenizeTranscript, hostile text',
      input: (bytes) => HOSTILE.repeat(Math.ceil(bytes / HOSTILE.length)),
      run: (text) => tokenizeTranscript(text, vocabulary, { robust: true }),
    },
    {
      name: 'speakNumbers, one run of digits',
      input: (bytes) => '7'.repeat(bytes),
      run: (text) => speakNumbers(text),
    },
  ];
  const rows: string[][] = [];
  for (const { name, input, run } of cases) {
    const small = input(MEGABYTE);
    const large = input(2 * MEGABYTE);
    const smallMs = await medianMs(() => run(small), 3);
    const largeMs = await medianMs(() => run(large), 3);
    rows.push([name, smallMs.toFixed(0), largeMs.toFixed(0), (largeMs / smallMs).toFixed(2)]);
  }
  printTable(['case', '1 MB ms', '2 MB ms', '2 MB / 1 MB'], rows);
}
