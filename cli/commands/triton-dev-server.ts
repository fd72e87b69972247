import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../../shared/errors';
import { bundledModelDir } from '../../shared/model/bundled-model';
import { type CliCommand, type CliIo, parseCommandArgs } from '../cli-command';
import { startTritonDevServer, type TritonDevServerOptions } from '../triton-dev-server/dev-server';

/** `triton-dev-server`: the local HTTPS Triton stand-in, until SIGINT or SIGTERM. */
export const tritonDevServerCommand: CliCommand = {
  summary: 'a local HTTPS Triton stand-in serving a model, until Ctrl-C',
  usage: '[--model DIR] [--port N] [--host H] [--name w2v2] [--max-batch-size 8] [--tls-cert F --tls-key F]',
  async run(args, _env, io) {
    const { values, positionals } = parseCommandArgs(args, {
      model: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      'max-batch-size': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    });
    if (positionals.length > 0) throw new InvalidInputError('triton-dev-server takes options only');
    const { 'tls-cert': cert, 'tls-key': key, 'max-batch-size': maxBatchSize } = values;
    if ((cert === undefined) !== (key === undefined)) {
      throw new InvalidInputError('--tls-cert and --tls-key go together');
    }
    const options: TritonDevServerOptions = {
      modelDir: values.model ?? bundledModelDir(),
      host: values.host,
      port: values.port === undefined ? undefined : integerOption('port', values.port, 0, 65535),
      modelName: values.name,
      maxBatchSize:
        maxBatchSize === undefined ? undefined : integerOption('max-batch-size', maxBatchSize, 1, 1024),
      tls:
        cert === undefined || key === undefined
          ? undefined
          : { cert: await readPem(cert, 'tls-cert'), key: await readPem(key, 'tls-key') },
    };
    await serveTritonDevServer(options, io, untilSignal());
  },
};

/**
 * Serves until `stop` resolves: prints the URL and the path of a PEM file holding the CA to trust (removed
 * on shutdown), with the environment that points the align command at it.
 */
export async function serveTritonDevServer(
  options: TritonDevServerOptions,
  io: CliIo,
  stop: Promise<unknown>,
): Promise<void> {
  const server = await startTritonDevServer(options);
  const caDir = await mkdtemp(join(tmpdir(), 'w2v2-triton-ca-'));
  const caPath = join(caDir, 'ca.pem');
  try {
    await writeFile(caPath, server.ca, { mode: 0o644 });
    io.stdout.write(
      `Triton stand-in serving model "${options.modelName ?? 'w2v2'}" from ${options.modelDir}\n` +
        `url: ${server.url}\nca: ${caPath}\n` +
        `try: USE_TRITON=true TRITON_URL=${server.url} TRITON_CA_BUNDLE=${caPath} w2v2-align align AUDIO --text "..."\n`,
    );
    await stop;
    io.stdout.write(`stopping after ${server.requests} requests\n`);
  } finally {
    await server.close();
    await rm(caDir, { recursive: true, force: true });
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new InvalidInputError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

async function readPem(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `--${option} "${path}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
}
