import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds the CLI bundle once so tests exercise exactly what `w2v2-align` runs. */
export default function globalSetup(): void {
  execFileSync(process.execPath, [join(__dirname, '..', 'tools', 'build.mjs')], { stdio: 'inherit' });
}
