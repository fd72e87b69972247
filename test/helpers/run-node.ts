import { type ExecFileException, execFile } from 'node:child_process';

/** Where the child runs; `env` defaults to this process's environment. */
export interface RunNodeOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Node's own flags, before `-e`: `--import tsx` lets the script require TypeScript modules. */
  nodeArgs?: readonly string[];
  timeoutMs?: number;
}

/** How a child process ended. */
export interface NodeOutcome {
  /** The exit code, or null when a signal (the timeout's included) ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node [nodeArgs] -e script` with `input` on stdin, without blocking this process (local servers live here). */
function startNode(
  script: string,
  input: string,
  options: RunNodeOptions,
  ended: (error: ExecFileException | null, outcome: NodeOutcome) => void,
): void {
  const { nodeArgs = [], timeoutMs = 120_000, ...spawnOptions } = options;
  const child = execFile(
    process.execPath,
    [...nodeArgs, '-e', script],
    { ...spawnOptions, timeout: timeoutMs, maxBuffer: 16 << 20 },
    (error, stdout, stderr) => ended(error, { code: child.exitCode, stdout, stderr }),
  );
  child.stdin?.end(input);
}

/** Runs `node -e script` with `input` on stdin; resolves with its stdout, rejects (with its stderr) when it fails. */
export function runNode(script: string, input: string, options: RunNodeOptions): Promise<string> {
  return new Promise((resolve, reject) =>
    startNode(script, input, options, (error, { stdout, stderr }) =>
      error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`)),
    ),
  );
}

/** Runs `node -e script` with `input` on stdin and resolves with how it ended: a failing exit is an outcome here. */
export function runNodeOutcome(script: string, input: string, options: RunNodeOptions): Promise<NodeOutcome> {
  return new Promise((resolve) => startNode(script, input, options, (_error, outcome) => resolve(outcome)));
}
