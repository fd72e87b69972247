import { generate } from 'selfsigned';

/** A certificate and its private key, PEM. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * A fresh self-signed certificate for `localhost` and 127.0.0.1 (valid for a week), so the stand-in speaks
 * HTTPS like the production ALB in front of Triton; the certificate is its own CA for clients to trust.
 */
export async function selfSignedTls(): Promise<TlsMaterial> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
