import { InvalidInputError } from '../errors';

/** One interval of an interval tier, times in seconds. */
export interface TextGridInterval {
  xmin: number;
  xmax: number;
  text: string;
}

/** An interval tier; its intervals cover [xmin, xmax] without gaps, as Praat requires. */
export interface TextGridTier {
  name: string;
  xmin: number;
  xmax: number;
  intervals: TextGridInterval[];
}

/** A TextGrid's time domain and its interval tiers, in file order; point tiers (TextTier) are left out. */
export interface TextGrid {
  xmin: number;
  xmax: number;
  tiers: TextGridTier[];
}

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'flag'; value: string };

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * A TextGrid file's bytes as text. Praat saves UTF-16 with a byte-order mark when a label needs it, UTF-8
 * otherwise, and versions before 5 saved Latin-1, so bytes that are not UTF-8 are read as Latin-1.
 */
export function textGridSource(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/**
 * Parses a Praat text TextGrid, long or short format, and checks Praat's rules for interval tiers (a time
 * domain longer than zero, tiers spanning it, intervals of positive length meeting end to start). Like Praat it
 * reads only the numbers, strings and flags, so labels (`xmin =`), indices (`[1]`) and `!` comments are skipped.
 */
export function readTextGrid(source: string): TextGrid {
  if (source.startsWith('ooBinaryFile')) {
    throw new InvalidInputError('a binary TextGrid cannot be read; save it from Praat as a text file');
  }
  const tokens = tokenize(source);
  let at = 0;
  const next = (what: string): Token => {
    const token = tokens[at++];
    if (token === undefined) throw new InvalidInputError(`the TextGrid ends where ${what} should be`);
    return token;
  };
  const number = (what: string): number => {
    const token = next(what);
    if (token.kind !== 'number') throw unexpected(token, what);
    return token.value;
  };
  const count = (what: string): number => {
    const value = number(what);
    if (!Number.isInteger(value) || value < 0) throw new InvalidInputError(`TextGrid ${what} is ${value}`);
    return value;
  };
  const string = (what: string): string => {
    const token = next(what);
    if (token.kind !== 'string') throw unexpected(token, what);
    return token.value;
  };

  const fileType = string('the file type');
  if (!fileType.startsWith('ooTextFile'))
    throw new InvalidInputError(`not a Praat text file ("${fileType}")`);
  const objectClass = string('the object class');
  if (objectClass !== 'TextGrid') throw new InvalidInputError(`a Praat ${objectClass}, not a TextGrid`);
  const grid: TextGrid = { xmin: number('the grid xmin'), xmax: number('the grid xmax'), tiers: [] };
  const exists = next('the tiers flag');
  if (exists.kind !== 'flag' || !['exists', 'absent'].includes(exists.value)) {
    throw unexpected(exists, 'the tiers flag (<exists> or <absent>)');
  }
  const size = exists.value === 'exists' ? count('the tier count') : 0;
  for (let t = 1; t <= size; t++) {
    const tierClass = string(`tier ${t}'s class`);
    const tier: TextGridTier = {
      name: string(`tier ${t}'s name`),
      xmin: number(`tier ${t}'s xmin`),
      xmax: number(`tier ${t}'s xmax`),
      intervals: [],
    };
    const items = count(`tier ${t}'s size`);
    if (tierClass === 'IntervalTier') {
      for (let i = 1; i <= items; i++) {
        const where = `tier ${t} interval ${i}`;
        tier.intervals.push({ xmin: number(where), xmax: number(where), text: string(where) });
      }
      grid.tiers.push(tier);
    } else if (tierClass === 'TextTier') {
      for (let i = 1; i <= items; i++) {
        number(`tier ${t} point ${i}`);
        string(`tier ${t} point ${i}`);
      }
    } else {
      throw new InvalidInputError(`TextGrid tier ${t} is a "${tierClass}", not an IntervalTier or TextTier`);
    }
  }
  if (at !== tokens.length) throw new InvalidInputError(`the TextGrid goes on after its ${size} tiers`);
  checkPraatRules(grid);
  return grid;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (char === '"') {
      // A quote inside a Praat string is written twice.
      let value = '';
      let end = at + 1;
      for (;;) {
        const close = source.indexOf('"', end);
        if (close === -1) throw new InvalidInputError('a TextGrid string is not closed');
        value += source.slice(end, close);
        if (source[close + 1] !== '"') {
          at = close + 1;
          break;
        }
        value += '"';
        end = close + 2;
      }
      tokens.push({ kind: 'string', value });
    } else if (char === '<' || char === '[' || char === '!') {
      const close = { '<': '>', '[': ']', '!': '\n' }[char];
      const end = source.indexOf(close, at);
      const stop = end === -1 ? source.length : end;
      if (char === '<') tokens.push({ kind: 'flag', value: source.slice(at + 1, stop) });
      at = stop + 1;
    } else if (matchAt(NUMBER, source, at) !== undefined) {
      const text = matchAt(NUMBER, source, at)!;
      tokens.push({ kind: 'number', value: Number(text) });
      at += text.length;
    } else {
      at += matchAt(NAME, source, at)?.length ?? 1;
    }
  }
  return tokens;
}

function matchAt(regex: RegExp, source: string, at: number): string | undefined {
  regex.lastIndex = at;
  return regex.exec(source)?.[0];
}

function unexpected(token: Token, what: string): InvalidInputError {
  return new InvalidInputError(
    `the TextGrid has ${token.kind} ${JSON.stringify(token.value)} where ${what} should be`,
  );
}

function checkPraatRules(grid: TextGrid): void {
  const broken = (detail: string): InvalidInputError =>
    new InvalidInputError(`the TextGrid breaks Praat's rules: ${detail}`);
  if (!(grid.xmax > grid.xmin)) throw broken(`its xmax ${grid.xmax} is not after its xmin ${grid.xmin}`);
  for (const tier of grid.tiers) {
    if (tier.xmin !== grid.xmin || tier.xmax !== grid.xmax)
      throw broken(`tier "${tier.name}" does not span the grid`);
    const first = tier.intervals[0];
    const last = tier.intervals.at(-1);
    if (first === undefined || last === undefined) throw broken(`tier "${tier.name}" has no intervals`);
    if (first.xmin !== tier.xmin) throw broken(`tier "${tier.name}" does not start at its xmin`);
    if (last.xmax !== tier.xmax) throw broken(`tier "${tier.name}" does not end at its xmax`);
    tier.intervals.forEach((interval, i) => {
      if (!(interval.xmax > interval.xmin))
        throw broken(`tier "${tier.name}" interval ${i + 1} has no length`);
      const following = tier.intervals[i + 1];
      if (following !== undefined && following.xmin !== interval.xmax) {
        throw broken(`tier "${tier.name}" intervals ${i + 1} and ${i + 2} do not meet`);
      }
    });
  }
}
