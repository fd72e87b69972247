import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadModelSpec } from '../shared/model/model-spec';
import { writeModelRepositoryEntry } from '../shared/triton/model-repository';
import type { StagedModelRepository } from './constructs/triton-service';

/** Where synth stages the repository the Triton service is deployed with (git-ignored build output). */
export const TRITON_REPOSITORY_DIR = join(__dirname, 'dist', 'triton-repository');

/**
 * Writes the Triton model repository of `modelDir` (the model the CPU image bakes in) to `outDir`, as
 * `w2v2-align triton-repo` does, and digests its files, so both backends serve one model and a changed model
 * rolls the Triton tasks.
 */
export async function stageTritonRepository(
  modelDir: string,
  modelName: string,
  outDir: string = TRITON_REPOSITORY_DIR,
): Promise<StagedModelRepository> {
  rmSync(outDir, { recursive: true, force: true });
  await writeModelRepositoryEntry(await loadModelSpec(modelDir), outDir, {
    name: modelName,
    maxBatchSize: 8,
    maxQueueDelayMicroseconds: 100,
    instances: 1,
    tensorrt: 'off',
  });
  return { dir: outDir, version: digestFolder(outDir) };
}

/** SHA-256 over every file's relative path and bytes, in path order. */
function digestFolder(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir).sort()) {
    hash.update(`${relative(dir, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
