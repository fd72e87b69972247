/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { existsSync, readFileSync } from 'node:fs';
import { serveTritonDevServer } from '../../../cli/commands/triton-dev-server';
import { runCli } from '../../../cli/run-cli';
import { TritonClient } from '../../../shared/triton/triton-client';
import { captured } from '../../helpers/captured';
import { DEMO_MODEL_DIR } from '../../helpers/demo-model';

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('w2v2-align triton-dev-server', () => {
  it('prints its URL and a CA file that lets a client in, and removes the file when stopped', async () => {
    // Prepare
    const io = { stdout: sink(), stderr: sink() };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });

    // Act
    const serving = serveTritonDevServer({ modelDir: DEMO_MODEL_DIR, modelName: 'demo' }, io, stopped);
    await until(() => io.stdout.text.includes('ca: '));
    const url = captured(/url: (\S+)/, io.stdout.text);
    const caPath = captured(/ca: (\S+)/, io.stdout.text);
    const client = new TritonClient({ url, ca: readFileSync(caPath, 'utf8') });
    const ready = await client.modelReady('demo');
    client.close();
    stop();
    await serving;

    // Assess
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(ready).toBe(true);
    expect(existsSync(caPath)).toBe(false);
    expect(io.stdout.text).toMatch(/stopping after 1 requests/);
  });

  it('refuses a certificate without its key', async () => {
    // Prepare
    const io = { stdout: sink(), stderr: sink() };

    // Act
    const code = await runCli(['triton-dev-server', '--tls-cert', 'cert.pem'], {}, io);

    // Assess
    expect(code).toBe(2);
    expect(io.stderr.text).toMatch(/--tls-cert and --tls-key go together/);
  });
});
