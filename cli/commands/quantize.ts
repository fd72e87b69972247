import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { AlignError, InvalidInputError } from '../../shared/errors';
import { INT8_VARIANTS, type Int8VariantName } from '../../shared/model/quantize/int8-variant';
import {
  type QuantizeOptions,
  type QuantizeReport,
  quantizeModel,
} from '../../shared/model/quantize/quantize-dynamic';
import { type CliCommand, parseCommandArgs } from '../cli-command';

/** Protobuf messages, and so ONNX files without external data, cannot exceed 2 GiB. */
const MAX_MODEL_BYTES = 2 ** 31;

const OPTIONS = {
  variant: { type: 'string' },
  activations: { type: 'string' },
  form: { type: 'string' },
  'weight-type': { type: 'string' },
  'full-range': { type: 'boolean' },
  'min-columns': { type: 'string' },
  conv: { type: 'boolean' },
  exclude: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `quantize`: writes an int8 copy of an fp32 ONNX model (MatMul/Gemm weights int8, activations dynamic). */
export const quantizeCommand: CliCommand = {
  summary: 'writes an int8 copy of an fp32 ONNX model',
  usage:
    '<in.onnx> <out.onnx> [--variant portable|dot-product] [--activations per-row|per-tensor] [--form fused|integer] [--weight-type int8|uint8] ' +
    '[--full-range] [--min-columns 128] [--conv] [--exclude NODE,...] [--json]',
  async run(args, _env, io) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [input, output, ...extra] = positionals;
    if (input === undefined || output === undefined || extra.length > 0) {
      throw new InvalidInputError('quantize takes exactly two files: <in.onnx> <out.onnx>');
    }
    // A variant (docs/model-directory.md#the-int8-copy) gives the defaults; the flags given refine it.
    const variant = choice('variant', values.variant, Object.keys(INT8_VARIANTS) as Int8VariantName[]);
    const options: QuantizeOptions = {
      ...(variant === undefined ? {} : INT8_VARIANTS[variant].options),
      ...givenOptions(values),
    };

    const { model, report } = quantizeModel(await readModel(input), options);
    await writeAtomically(output, model);
    io.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : summary(report, output));
  },
};

/** The flags' options, only those given: one left out would otherwise override the variant's with a default. */
function givenOptions(
  values: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'],
): QuantizeOptions {
  const flags: { [K in keyof QuantizeOptions]: QuantizeOptions[K] | undefined } = {
    activations: choice('activations', values.activations, ['per-row', 'per-tensor'] as const),
    form: choice('form', values.form, ['fused', 'integer'] as const),
    weightType: choice('weight-type', values['weight-type'], ['int8', 'uint8'] as const),
    reduceRange: values['full-range'] === true ? false : undefined,
    convolutions: values.conv === true ? true : undefined,
    minColumns:
      values['min-columns'] === undefined ? undefined : wholeNumber('min-columns', values['min-columns']),
    excludeNodes: values.exclude?.split(',').filter((name) => name !== ''),
  };
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
}

function choice<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function wholeNumber(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidInputError(`--${name} must be a whole number, got "${value}"`);
  }
  return parsed;
}

async function readModel(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new InvalidInputError(
      `cannot read model "${path}": ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        cause: error,
      },
    );
  }
  if (size > MAX_MODEL_BYTES) {
    throw new AlignError(
      'MODEL',
      `"${path}" is ${size} bytes; an ONNX file without external data is at most 2 GiB`,
    );
  }
  return readFile(path);
}

/** Written under a temporary name and renamed, so a failed run never leaves a half-written model behind. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw new InvalidInputError(`cannot write "${path}": ${(error as NodeJS.ErrnoException).code ?? error}`, {
      cause: error,
    });
  }
}

function summary(report: QuantizeReport, output: string): string {
  const reasons = new Map<string, number>();
  for (const { reason } of report.skipped) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  const skipped = [...reasons].map(([reason, count]) => `  ${count} × ${reason}\n`).join('');
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
  return (
    `wrote ${output} (${report.activations} activation scales${report.activations === 'per-tensor' ? `, ${report.form} form` : ''})\n` +
    `rewritten: ${report.rewritten.matMul} MatMul, ${report.rewritten.gemm} Gemm, ${report.rewritten.conv} Conv ` +
    `(${report.weightsQuantized} weights, ${report.biasesFolded} biases folded)\n` +
    `kept in float32: ${report.skipped.length} MatMul/Gemm/Conv${report.skipped.length > 0 ? ':' : ''}\n${skipped}` +
    `size: ${megabytes(report.bytesBefore)} MB -> ${megabytes(report.bytesAfter)} MB\n`
  );
}
