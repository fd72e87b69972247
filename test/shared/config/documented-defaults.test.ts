import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, loadConfig } from '../../../shared/config/app-config';

/** One variable of docs/configuration.md's table and the literal default it documents, if any. */
interface DocumentedDefault {
  name: string;
  /** The first `code` span of the default cell; undefined for "—" or prose ("bundled demo model"). */
  value: string | undefined;
  /** "same": the default is the row's previous variable's value, not an entry of DEFAULTS. */
  derived: boolean;
}

/**
 * Reads the table under "## Variables". A cell may list several variables split by " / "; a name written
 * `_SUFFIX` shares the first name's prefix. As many defaults as names pair up in order; a single default for
 * several names documents aliases, of which the first is the canonical one.
 */
function documentedDefaults(): DocumentedDefault[] {
  const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
  const start = page.indexOf('\n## Variables\n');
  if (start < 0) throw new Error('docs/configuration.md has no "## Variables" section');
  const section = page.slice(start);
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const rows = table.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => {
    const [, nameCell = '', defaultCell = ''] = row.split('|').map((cell) => cell.trim());
    const spelled = nameCell.split(' / ').map((part) => /`([^`]+)`/.exec(part)?.[1] ?? '');
    const first = spelled[0] ?? '';
    const names = spelled.map((name) =>
      name.startsWith('_') ? first.slice(0, first.lastIndexOf('_')) + name : name,
    );
    const cells = defaultCell.split(' / ');
    const documented: DocumentedDefault[] = [];
    for (const [i, cell] of cells.entries()) {
      const name = names[i];
      if (name === undefined) throw new Error(`a row has more defaults than variables: ${row}`);
      const derived = cell.trim() === 'same';
      const value = derived ? documented[i - 1]?.value : /`([^`]+)`/.exec(cell)?.[1];
      documented.push({ name, value, derived });
    }
    return documented;
  });
}

describe("docs/configuration.md's table of variables", () => {
  const documented = documentedDefaults();
  const defaults: Readonly<Record<string, unknown>> = DEFAULTS;

  it('lists every variable that has an entry in DEFAULTS, with a literal default', () => {
    // Act
    const withValue = new Set(documented.filter((row) => row.value !== undefined).map((row) => row.name));

    // Assess
    expect(Object.keys(DEFAULTS).filter((name) => !withValue.has(name))).toEqual([]);
  });

  it.each(documented.map((row) => [row.name, row] as const))(
    'documents the default of %s as DEFAULTS holds it',
    (_, row) => {
      // Assess
      if (row.value === undefined || row.derived) expect(defaults[row.name]).toBeUndefined();
      else expect(String(defaults[row.name])).toBe(row.value);
    },
  );

  it.each(documented.filter((row) => row.value !== undefined).map((row) => [row.name, row.value!] as const))(
    'documents what loadConfig uses when %s is unset (%s)',
    (name, value) => {
      // Act
      const unset = loadConfig({});
      const setToDocumented = loadConfig({ [name]: value });

      // Assess
      expect(setToDocumented).toEqual(unset);
    },
  );
});
