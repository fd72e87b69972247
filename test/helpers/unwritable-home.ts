import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEMO_MODEL_DIR, REPO_ROOT } from './demo-model';

/** A HOME no user can write under, root included: a file, where onnxruntime cannot create its cache folder. */
export function unwritableHome(): string {
  const home = join(mkdtempSync(join(tmpdir(), 'w2v2-home-')), 'not-a-folder');
  writeFileSync(home, '');
  return home;
}

/** What a bare onnxruntime session (no log level set) prints on stderr under `home`: the warnings to keep out. */
export async function bareOnnxRuntimeStderr(home: string): Promise<string> {
  const model = JSON.stringify(join(DEMO_MODEL_DIR, 'model.onnx'));
  const runtime = JSON.stringify(require.resolve('onnxruntime-node', { paths: [REPO_ROOT] }));
  const child = spawn(process.execPath, ['-e', `require(${runtime}).InferenceSession.create(${model})`], {
    env: { PATH: process.env.PATH ?? '', HOME: home },
    // Without a usable HOME, onnxruntime leaves a session file in the working folder: keep it out of the checkout.
    cwd: dirname(home),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  await new Promise((resolve) => child.on('close', resolve));
  return stderr;
}
