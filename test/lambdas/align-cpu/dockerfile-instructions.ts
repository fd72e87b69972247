import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The CPU image's build context. */
export const IMAGE_DIR = join(__dirname, '..', '..', '..', 'lambdas', 'align-cpu');

/** One Dockerfile instruction: its keyword and its arguments, line continuations joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** The instructions of lambdas/align-cpu/Dockerfile, comments and blank lines dropped. */
export function readDockerfile(path: string = join(IMAGE_DIR, 'Dockerfile')): Instruction[] {
  return readFileSync(path, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Replaces `${LAMBDA_TASK_ROOT}` (which the Lambda base image sets) with `taskRoot`. */
export function expandTaskRoot(text: string, taskRoot: string): string {
  return text.replace(/\$\{LAMBDA_TASK_ROOT\}|\$LAMBDA_TASK_ROOT\b/g, taskRoot);
}

/** The environment ENV lines set (`ENV NAME=value`), with the task root expanded. */
export function dockerfileEnvironment(instructions: Instruction[], taskRoot: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions.filter((instruction) => instruction.keyword === 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const split = pair.indexOf('=');
      if (split <= 0) throw new Error(`ENV ${args}: expected NAME=value pairs`);
      env[pair.slice(0, split)] = expandTaskRoot(pair.slice(split + 1), taskRoot);
    }
  }
  return env;
}

/** A COPY or ADD: sources relative to the build context, and the destination. */
export interface CopyInstruction {
  sources: string[];
  destination: string;
}

/** Every COPY and ADD of the Dockerfile (shell form; flags such as --chown are not used here and rejected). */
export function copyInstructions(instructions: Instruction[]): CopyInstruction[] {
  return instructions
    .filter((instruction) => instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
    .map(({ keyword, args }) => {
      const parts = args.split(/\s+/);
      if (parts.some((part) => part.startsWith('--')) || parts.length < 2) {
        throw new Error(`${keyword} ${args}: expected "${keyword} <source>... <destination>" without flags`);
      }
      return { sources: parts.slice(0, -1), destination: parts.at(-1)! };
    });
}
