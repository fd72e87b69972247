/**
 * A strict reader for Praat's long text TextGrid format, written for the tests: it accepts exactly the
 * layout Praat saves and checks Praat's own rules for interval tiers, so a writer bug shows up as a throw.
 */

export interface ReadInterval {
  xmin: number;
  xmax: number;
  text: string;
}

export interface ReadTier {
  name: string;
  xmin: number;
  xmax: number;
  intervals: ReadInterval[];
}

export interface ReadTextGrid {
  xmin: number;
  xmax: number;
  tiers: ReadTier[];
}

/** Parses a TextGrid and throws on any layout or Praat rule violation. */
export function readTextGrid(source: string): ReadTextGrid {
  const lines = source.split('\n');
  let at = 0;
  const take = (regex: RegExp): RegExpMatchArray => {
    const line = lines[at] ?? '';
    const match = line.match(regex);
    if (match === null) throw new Error(`line ${at + 1}: ${JSON.stringify(line)} does not match ${regex}`);
    at += 1;
    return match;
  };
  const takeExactly = (expected: string): void => {
    if (lines[at] !== expected)
      throw new Error(`line ${at + 1}: ${JSON.stringify(lines[at])}, expected ${expected}`);
    at += 1;
  };
  const number = (indent: string, key: string): number =>
    Number(take(pattern(`^${indent}${key} = (-?\\d+(?:\\.\\d+)?) $`))[1]);
  const text = (indent: string, key: string): string =>
    unquote(take(pattern(`^${indent}${key} = ("(?:[^"]|"")*") $`))[1] ?? '');

  take(/^File type = "ooTextFile"$/);
  take(/^Object class = "TextGrid"$/);
  take(/^$/);
  const xmin = number('', 'xmin');
  const xmax = number('', 'xmax');
  take(/^tiers\? <exists> $/);
  const size = number('', 'size');
  take(/^item \[\]: $/);
  const tiers: ReadTier[] = [];
  for (let t = 1; t <= size; t++) {
    take(pattern(`^    item \\[${t}\\]:$`));
    take(/^ {8}class = "IntervalTier" $/);
    const name = text(' {8}', 'name');
    const tierMin = number(' {8}', 'xmin');
    const tierMax = number(' {8}', 'xmax');
    const count = number(' {8}', 'intervals: size');
    const intervals: ReadInterval[] = [];
    for (let i = 1; i <= count; i++) {
      takeExactly(`        intervals [${i}]:`);
      intervals.push({
        xmin: number(' {12}', 'xmin'),
        xmax: number(' {12}', 'xmax'),
        text: text(' {12}', 'text'),
      });
    }
    tiers.push({ name, xmin: tierMin, xmax: tierMax, intervals });
  }
  take(/^$/);
  if (at !== lines.length) throw new Error(`unexpected content after line ${at}`);
  checkPraatRules({ xmin, xmax, tiers });
  return { xmin, xmax, tiers };
}

const compiled = new Map<string, RegExp>();

// Compiling each line's pattern once keeps reading 10,000-interval grids fast.
function pattern(source: string): RegExp {
  let regex = compiled.get(source);
  if (regex === undefined) {
    regex = new RegExp(source);
    compiled.set(source, regex);
  }
  return regex;
}

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/""/g, '"');
}

function checkPraatRules(grid: ReadTextGrid): void {
  if (!(grid.xmax > grid.xmin)) throw new Error(`grid xmax ${grid.xmax} is not after xmin ${grid.xmin}`);
  for (const tier of grid.tiers) {
    if (tier.xmin !== grid.xmin || tier.xmax !== grid.xmax)
      throw new Error(`tier ${tier.name} does not span the grid`);
    const first = tier.intervals[0];
    const last = tier.intervals.at(-1);
    if (first === undefined || last === undefined) throw new Error(`tier ${tier.name} has no intervals`);
    if (first.xmin !== tier.xmin) throw new Error(`tier ${tier.name} does not start at xmin`);
    if (last.xmax !== tier.xmax) {
      throw new Error(`tier ${tier.name} does not end at xmax`);
    }
    tier.intervals.forEach((interval, i) => {
      if (!(interval.xmax > interval.xmin))
        throw new Error(`tier ${tier.name} interval ${i + 1} has no length`);
      if (/[\r\n]/.test(interval.text)) throw new Error(`tier ${tier.name} interval ${i + 1} spans lines`);
      const next = tier.intervals[i + 1];
      if (next !== undefined && next.xmin !== interval.xmax) {
        throw new Error(`tier ${tier.name} intervals ${i + 1} and ${i + 2} are not contiguous`);
      }
    });
  }
}
