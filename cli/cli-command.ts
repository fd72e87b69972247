import { parseArgs } from 'node:util';
import { InvalidInputError } from '../shared/errors';

/** Where a command writes; the process streams in production, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** One `w2v2-align` sub-command. */
export interface CliCommand {
  readonly usage: string;
  run(args: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<void>;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses a command's arguments, turning parser complaints into usage errors. */
export function parseCommandArgs<T extends OptionSpec>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InvalidInputError((error as Error).message, { cause: error });
  }
}

/** A positive finite number given on the command line. */
export function positiveNumberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidInputError(`--${name} must be a positive number, got "${value}"`);
  }
  return parsed;
}
