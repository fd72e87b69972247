import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess } from '../helpers/cli-process';
import { REPO_ROOT } from '../helpers/demo-model';

const LIMITS = { killAfterMs: 30_000, maxRssBytes: 1024 ** 3 };
const COMMANDS = [
  'align',
  'transcribe',
  'align-dir',
  'align-logits',
  'calibrate',
  'check-model',
  'quantize',
  'triton-dev-server',
  'triton-repo',
];

function cli(args: readonly string[]) {
  return runCliProcess(args, {}, LIMITS);
}

describe('w2v2-align help', () => {
  it.each(COMMANDS.flatMap((name) => [[name, '--help'] as const, [name, '-h'] as const]))(
    'prints the usage of `%s %s` on stdout and exits 0',
    async (name, flag) => {
      // Act
      const run = await cli([name, flag]);

      // Assess
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^usage: w2v2-align ${name} `));
    },
  );

  it('takes --help after other arguments, and `help <command>` prints the same', async () => {
    // Act
    const flag = await cli(['align', 'speech.wav', '--text', 'hi', '--help']);
    const word = await cli(['help', 'align']);

    // Assess
    expect(flag.code).toBe(0);
    expect(word.code).toBe(0);
    expect(flag.stdout).toContain('--format defaults to the format --out');
    expect(word.stdout).toBe(flag.stdout);
  });

  it('lists every command for `w2v2-align --help`', async () => {
    // Act
    const run = await cli(['--help']);

    // Assess
    expect(run.code).toBe(0);
    for (const name of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('prints the usage on stderr, not stdout, with exit code 2 when no command is given', async () => {
    // Act
    const run = await cli([]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^usage: w2v2-align <command>/);
  });
});

describe('w2v2-align --version', () => {
  it("prints package.json's version from a copy installed away from the checkout", async () => {
    // Prepare: the bin script and bundle without the package.json beside them, as a relative read would need.
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const installed = mkdtempSync(join(tmpdir(), 'w2v2-installed-'));
    mkdirSync(join(installed, 'dist'));
    cpSync(join(REPO_ROOT, 'bin'), join(installed, 'bin'), { recursive: true });
    cpSync(join(REPO_ROOT, 'dist', 'cli.js'), join(installed, 'dist', 'cli.js'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(installed, 'node_modules'));

    // Act
    const run = await runCliProcess(['--version'], {}, LIMITS, join(installed, 'bin', 'w2v2-align.js'));

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`w2v2-align ${version}\n`);
  });
});

describe('w2v2-align usage errors', () => {
  it.each([
    [['align', 'speech.wav', '--fromat', 'vtt'], 'unknown option --fromat; did you mean --format?', 'align'],
    [['align-dir', '.', '--jbos=2'], 'unknown option --jbos; did you mean --jobs?', 'align-dir'],
    [['transcribe', 'speech.wav', '--format', 'vt'], '"vt" (did you mean "vtt"?)', 'transcribe'],
  ])('suggests the name meant for %j and prints the usage on stderr', async (args, suggestion, name) => {
    // Act
    const run = await cli(args);

    // Assess
    const [error, usage] = run.stderr.split('\n');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(error).toMatch(/^error INVALID_INPUT: /);
    expect(error).toContain(suggestion);
    expect(usage).toMatch(new RegExp(`^usage: w2v2-align ${name} `));
  });

  it.each([
    [['algn', 'speech.wav'], 'unknown command "algn"; did you mean "align"?'],
    [['help', 'trascribe'], 'unknown command "trascribe"; did you mean "transcribe"?'],
  ])('suggests the command meant for %j', async (args, suggestion) => {
    // Act
    const run = await cli(args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(`error INVALID_INPUT: ${suggestion}`);
  });
});
