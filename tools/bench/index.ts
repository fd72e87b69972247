import { parseArgs } from 'node:util';
import { runAccuracyBench } from './accuracy';
import { runAlignmentBench } from './alignment';
import { runDemoBench } from './demo';
import { runInferenceBench } from './inference';
import { runOutputBench } from './output';
import { runPipelineBench } from './pipeline';
import { runSizingBench } from './sizing';
import { runTextBench } from './text';
import { runTritonBench } from './triton';
import { runViewerBench } from './viewer';

/**
 * `npm run bench`: every benchmark of the project, each printing its own table; `npm run bench -- NAME` runs one.
 * `pipeline` takes `--model DIR` and `--quantize` to measure with another model than the demo.
 */
async function main(): Promise<void> {
  const { values, positionals: wanted } = parseArgs({
    args: process.argv.slice(2),
    options: { model: { type: 'string' }, quantize: { type: 'boolean' } },
    allowPositionals: true,
  });
  const BENCHES: Readonly<Record<string, () => Promise<void>>> = {
    alignment: runAlignmentBench,
    accuracy: runAccuracyBench,
    inference: runInferenceBench,
    pipeline: () =>
      runPipelineBench({
        modelDir: values.model,
        quantize: values.quantize === true,
      }),
    sizing: runSizingBench,
    triton: runTritonBench,
    text: runTextBench,
    output: runOutputBench,
    viewer: runViewerBench,
    demo: runDemoBench,
  };
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  }
  for (const [name, run] of Object.entries(BENCHES)) {
    if (wanted.length === 0 || wanted.includes(name)) await run();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
