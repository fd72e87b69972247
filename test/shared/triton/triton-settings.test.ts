import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTritonConfig } from '../../../shared/config/app-config';
import { tritonModelOptions } from '../../../shared/triton/triton-settings';
import { alignFailure } from '../../helpers/align-failure';

const URL = 'https://triton.internal:8443';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'triton-settings-')), name);
  writeFileSync(path, text);
  return path;
}

describe('tritonModelOptions', () => {
  it('maps the Triton settings, reading the CA bundle and asking FP16 for mixed precision', async () => {
    // Prepare
    const config = loadTritonConfig({
      TRITON_URL: URL,
      TRITON_MODEL: 'w2v2-large',
      TRITON_CA_BUNDLE: file('ca.pem', PEM),
      TRITON_TIMEOUT_SEC: '1.5',
      TRITON_BATCH_WINDOWS: '6',
      TRITON_BINARY_DATA: 'false',
      USE_MIXED_PRECISION: 'true',
    });

    // Act
    const options = await tritonModelOptions(config);

    // Assess
    expect(options).toEqual({
      url: URL,
      modelName: 'w2v2-large',
      ca: PEM,
      timeoutMs: 1500,
      retryMax: 4,
      maxInFlight: 2,
      batchWindows: 6,
      binaryData: false,
      float16: true,
    });
  });

  it.each([
    [
      'a missing file',
      join(tmpdir(), 'no-such-dir', 'ca.pem'),
      /TRITON_CA_BUNDLE ".*" cannot be read: ENOENT/,
    ],
    ['a file without a certificate', file('ca.pem', 'not a certificate'), /holds no PEM certificate/],
  ])('refuses %s as TRITON_CA_BUNDLE with a CONFIG error', async (_, path, message) => {
    // Prepare
    const config = loadTritonConfig({ TRITON_URL: URL, TRITON_CA_BUNDLE: path });

    // Act
    const error = await alignFailure(tritonModelOptions(config));

    // Assess
    expect(error.code).toBe('CONFIG');
    expect(error.message).toMatch(message);
  });
});
