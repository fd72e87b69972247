import { version } from '../package.json';
import { closestName } from '../shared/config/closest-name';
import { AlignError, toAlignError } from '../shared/errors';
import type { CliCommand, CliIo } from './cli-command';
import { alignCommand, transcribeCommand } from './commands/align-audio';
import { alignDirCommand, FilesFailedError } from './commands/align-dir';
import { alignLogitsCommand } from './commands/align-logits';
import { calibrateCommand } from './commands/calibrate';
import { checkModelCommand } from './commands/check-model';
import { quantizeCommand } from './commands/quantize';
import { tritonDevServerCommand } from './commands/triton-dev-server';
import { tritonRepoCommand } from './commands/triton-repo';

const COMMANDS: Readonly<Record<string, CliCommand>> = {
  align: alignCommand,
  transcribe: transcribeCommand,
  'align-dir': alignDirCommand,
  'align-logits': alignLogitsCommand,
  calibrate: calibrateCommand,
  'check-model': checkModelCommand,
  quantize: quantizeCommand,
  'triton-dev-server': tritonDevServerCommand,
  'triton-repo': tritonRepoCommand,
};

/** Exit codes: 2 for a usage error, 1 for a failed job, 0 for success. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

const HELP_FLAGS = ['--help', '-h'];

/**
 * Runs one `w2v2-align` command; errors become one `error <CODE>: <message>` line on stderr, and a usage error
 * adds the command's usage.
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(overview());
    return EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout.write(`w2v2-align ${version}\n`);
    return 0;
  }
  if (HELP_FLAGS.includes(name) || name === 'help') return help(name === 'help' ? args[0] : undefined, io);
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`${unknownCommand(name)}\n${overview()}`);
    return EXIT_USAGE;
  }
  if (asksForHelp(args)) {
    io.stdout.write(commandHelp(name, command));
    return 0;
  }
  try {
    await command.run(args, env, io);
    return 0;
  } catch (error) {
    const failure = toAlignError(error);
    io.stderr.write(`error ${failure.code}: ${oneLine(failure.message)}\n`);
    // A batch whose files failed is a failed job whatever the files' codes were.
    const usageError =
      failure instanceof AlignError &&
      failure.code === 'INVALID_INPUT' &&
      !(failure instanceof FilesFailedError);
    if (!usageError) return EXIT_FAILURE;
    io.stderr.write(`${usageLine(name, command)}run \`w2v2-align ${name} --help\` for more\n`);
    return EXIT_USAGE;
  }
}

/** `--help`/`-h` anywhere before a `--`, after which arguments are positional. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => HELP_FLAGS.includes(arg));
}

/** `w2v2-align help [command]` and `w2v2-align --help`: the overview, or one command's help, on stdout. */
function help(name: string | undefined, io: CliIo): number {
  if (name === undefined) {
    io.stdout.write(overview());
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`${unknownCommand(name)}\n${overview()}`);
    return EXIT_USAGE;
  }
  io.stdout.write(commandHelp(name, command));
  return 0;
}

function unknownCommand(name: string): string {
  const meant = closestName(name, Object.keys(COMMANDS));
  return `error INVALID_INPUT: unknown command "${name}"${meant === undefined ? '' : `; did you mean "${meant}"?`}`;
}

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return (
    'usage: w2v2-align <command> [options]\n\n' +
    `commands:\n${commands.join('\n')}\n\n` +
    '`w2v2-align <command> --help` (or `w2v2-align help <command>`) shows its options; ' +
    '`w2v2-align --version` prints the version.\n'
  );
}

function commandHelp(name: string, command: CliCommand): string {
  const notes = (command.notes ?? []).map((note) => `${note}\n`).join('');
  return `${usageLine(name, command)}\n${command.summary}\n${notes}\nexit codes: 0 success, 1 a failed job, 2 a usage error\n`;
}

function usageLine(name: string, command: CliCommand): string {
  return `usage: w2v2-align ${name} ${command.usage}\n`;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
