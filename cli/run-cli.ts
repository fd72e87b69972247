import { AlignError, toAlignError } from '../shared/errors';
import type { CliCommand, CliIo } from './cli-command';
import { alignCommand, transcribeCommand } from './commands/align-audio';
import { alignDirCommand, FilesFailedError } from './commands/align-dir';
import { alignLogitsCommand } from './commands/align-logits';
import { quantizeCommand } from './commands/quantize';
import { tritonDevServerCommand } from './commands/triton-dev-server';
import { tritonRepoCommand } from './commands/triton-repo';

const COMMANDS: Readonly<Record<string, CliCommand>> = {
  align: alignCommand,
  transcribe: transcribeCommand,
  'align-dir': alignDirCommand,
  'align-logits': alignLogitsCommand,
  quantize: quantizeCommand,
  'triton-dev-server': tritonDevServerCommand,
  'triton-repo': tritonRepoCommand,
};

/** Exit codes: 2 for a usage error, 1 for a failed job, 0 for success. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

/** Runs one `w2v2-align` command; errors become one `error <CODE>: <message>` line on stderr. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`error INVALID_INPUT: unknown command "${name}"\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    await command.run(args, env, io);
    return 0;
  } catch (error) {
    const failure = toAlignError(error);
    io.stderr.write(`error ${failure.code}: ${oneLine(failure.message)}\n`);
    // A batch whose files failed is a failed job whatever the files' codes were.
    const usageError = failure.code === 'INVALID_INPUT' && !(failure instanceof FilesFailedError);
    return failure instanceof AlignError && usageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  w2v2-align ${name} ${command.usage}`);
  return `usage:\n${lines.join('\n')}\n`;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
