import { execFile } from 'node:child_process';

/** Runs `node -e script` with `input` on stdin, without blocking this process (local servers live here). */
export function runNode(
  script: string,
  input: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', script],
      { ...options, timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`)),
    );
    child.stdin?.end(input);
  });
}
