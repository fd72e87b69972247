// Copies a model directory's settings into the CPU image's model folder (tools/build-lambda.mjs): vocab.json,
// config.json with the source folder's name written in, and the Hugging Face side files its settings are
// completed from (docs/model-directory.md#where-settings-come-from), so an optimum export runs in the image
// exactly as it runs with `--model DIR`. The graph is staged by build-lambda.mjs itself.

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The side files shared/model/model-settings.ts reads (SIDE_FILES there; a test keeps the two lists equal). */
export const MODEL_SIDE_FILES = [
  'preprocessor_config.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
];

/** Writes `modelDir`'s vocab.json, config.json and side files into `modelOut`, removing side files it lacks. */
export function stageModelFiles(modelDir, modelOut) {
  mkdirSync(modelOut, { recursive: true });
  copyFileSync(join(modelDir, 'vocab.json'), join(modelOut, 'vocab.json'));
  // Results name the model by config.json's "name", else by its folder, which in the image is always "model".
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
  writeFileSync(
    join(modelOut, 'config.json'),
    `${JSON.stringify({ name: basename(modelDir), ...config }, null, 2)}\n`,
  );
  for (const file of MODEL_SIDE_FILES) {
    const source = join(modelDir, file);
    // The image's model folder outlives a build: a side file left by another model would complete this one's settings.
    if (existsSync(source)) copyFileSync(source, join(modelOut, file));
    else rmSync(join(modelOut, file), { force: true });
  }
}
