/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../cli/run-cli';
import { startTritonDevServer, type TritonDevServer } from '../../../cli/triton-dev-server/dev-server';
import { selfSignedTls } from '../../../cli/triton-dev-server/tls-material';
import { DEMO_MODEL_DIR, SAMPLES_DIR } from '../../helpers/demo-model';

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

const SAMPLE = 'harbor-1999';

describe('w2v2-align align with USE_TRITON=true', () => {
  let server: TritonDevServer;
  let dir: string;

  beforeAll(async () => {
    server = await startTritonDevServer({ modelDir: DEMO_MODEL_DIR });
    dir = mkdtempSync(join(tmpdir(), 'align-triton-'));
    writeFileSync(join(dir, 'ca.pem'), server.ca);
    writeFileSync(join(dir, 'other-ca.pem'), (await selfSignedTls()).cert);
  });

  afterAll(async () => {
    await server.close();
  });

  async function align(
    env: Record<string, string>,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const io = { stdout: sink(), stderr: sink() };
    const args = [
      'align',
      join(SAMPLES_DIR, `${SAMPLE}.wav`),
      '--text-file',
      join(SAMPLES_DIR, `${SAMPLE}.txt`),
    ];
    const code = await runCli(args, env, io);
    return { code, stdout: io.stdout.text, stderr: io.stderr.text };
  }

  it('aligns on Triton and names the backend, with the same words as on CPU', async () => {
    // Prepare
    const before = server.requests;

    // Act
    const onTriton = await align({
      USE_TRITON: 'true',
      TRITON_URL: server.url,
      TRITON_CA_BUNDLE: join(dir, 'ca.pem'),
    });
    const onCpu = await align({});

    // Assess
    expect(onTriton.code).toBe(0);
    const tritonResult = JSON.parse(onTriton.stdout);
    const cpuResult = JSON.parse(onCpu.stdout);
    expect(tritonResult.model).toMatchObject({ backend: 'triton', quantized: false });
    expect(cpuResult.model.backend).toBe('cpu');
    expect(tritonResult.words.map((w: { word: string }) => w.word)).toEqual(
      cpuResult.words.map((w: { word: string }) => w.word),
    );
    expect(server.requests).toBeGreaterThan(before);
  });

  it('fails with CONFIG when the CA bundle does not vouch for the server', async () => {
    // Act
    const { code, stderr } = await align({
      USE_TRITON: 'true',
      TRITON_URL: server.url,
      TRITON_CA_BUNDLE: join(dir, 'other-ca.pem'),
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error CONFIG: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
  });

  it('fails with CONFIG for a plain http Triton URL', async () => {
    // Act
    const { code, stderr } = await align({
      USE_TRITON: 'true',
      TRITON_URL: server.url.replace('https:', 'http:'),
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error CONFIG: TRITON_URL must be an https:\/\/ URL/);
  });

  it('runs align-dir on Triton too, naming the backend in every result', async () => {
    // Prepare
    const batch = join(dir, 'batch');
    mkdirSync(batch);
    for (const ext of ['wav', 'txt'])
      copyFileSync(join(SAMPLES_DIR, `${SAMPLE}.${ext}`), join(batch, `${SAMPLE}.${ext}`));
    const before = server.requests;
    const io = { stdout: sink(), stderr: sink() };

    // Act
    const code = await runCli(
      ['align-dir', batch, '--format', 'json'],
      {
        USE_TRITON: 'true',
        TRITON_URL: server.url,
        TRITON_CA_BUNDLE: join(dir, 'ca.pem'),
      },
      io,
    );

    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(join(batch, `${SAMPLE}.align.json`), 'utf8'));
    expect(result.model.backend).toBe('triton');
    expect(result.words.length).toBeGreaterThan(0);
    expect(server.requests).toBeGreaterThan(before);
  });
});
