import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, INPUT_ERROR_CODES } from '../../shared/errors';
import { REPO_ROOT } from '../helpers/demo-model';

/** What a row of the table under "## Codes" says: the code and whose failure it is. */
interface DocumentedCode {
  code: string;
  whose: string;
}

const byCode = (a: DocumentedCode, b: DocumentedCode): number => a.code.localeCompare(b.code);

describe('docs/errors.md', () => {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

  it('gives every error code a section of its own', () => {
    // Act
    const missing = ERROR_CODES.filter((code) => !page.includes(`\n### ${code}\n`));

    // Assess
    expect(missing).toEqual([]);
  });

  it('lists every code once, saying whose failure it is as the alarms tell them apart', () => {
    // Prepare
    const codes = page.slice(page.indexOf('\n## Codes\n'));
    const inputCodes: readonly string[] = INPUT_ERROR_CODES;

    // Act
    const rows = [...codes.matchAll(/^\| \[`([A-Z0-9_]+)`\]\(#[a-z0-9_]+\) \| (\w+) \|/gm)].map(
      ([, code = '', whose = '']): DocumentedCode => ({ code, whose }),
    );

    // Assess
    expect(rows.sort(byCode)).toEqual(
      ERROR_CODES.map((code) => ({ code, whose: inputCodes.includes(code) ? 'user' : 'system' })).sort(
        byCode,
      ),
    );
  });
});
