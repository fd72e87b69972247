import { parseArgs } from 'node:util';
import { closestName } from '../shared/config/closest-name';
import { InvalidInputError } from '../shared/errors';

/** Where a command writes; the process streams in production, buffers in tests. */
export interface CliIo {
  /** `isTTY` is true when stdout is a terminal, which some output (a whole web page) should not go to. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

/** One `w2v2-align` sub-command. */
export interface CliCommand {
  /** What the command does, in one line, for the command list and its --help. */
  readonly summary: string;
  readonly usage: string;
  /** Lines its --help adds under the summary: defaults and rules the usage line cannot show. */
  readonly notes?: readonly string[];
  run(args: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<void>;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses a command's arguments, turning parser complaints into usage errors. */
export function parseCommandArgs<T extends OptionSpec>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const unknown =
      (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? unknownOption(args, options)
        : undefined;
    // Node's own message for an unknown option is long, quotes unevenly and suggests nothing.
    const message = unknown === undefined ? (error as Error).message : unknownOptionMessage(unknown, options);
    throw new InvalidInputError(message, { cause: error });
  }
}

/** The first option the spec does not know, as typed (`--fromat`, `-x`). */
function unknownOption(args: readonly string[], options: OptionSpec): string | undefined {
  const { tokens } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'option' && !Object.hasOwn(options, token.name)) return token.rawName;
  }
  return undefined;
}

function unknownOptionMessage(rawName: string, options: OptionSpec): string {
  // Single-letter names are too short for a suggestion to mean anything.
  const meant = rawName.startsWith('--') ? closestName(rawName.slice(2), Object.keys(options)) : undefined;
  return `unknown option ${rawName}${meant === undefined ? '' : `; did you mean --${meant}?`}`;
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
