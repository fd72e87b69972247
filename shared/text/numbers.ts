import { ToWords } from 'to-words/en-US';

/**
 * A number with its optional sign, currency, decimals and suffix. Linear: every quantifier is followed by
 * something it cannot match, so a failed attempt never rescans more than a few characters.
 */
const NUMBER =
  /(?<neg>(?<![\p{L}\p{N}])[-\u2212])?(?<cur>[$£€])?(?<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(?<frac>\d+))?(?:(?<ord>st|nd|rd|th)(?!\p{L})|(?<plural>'?s)(?!\p{L})|(?<pct>%)|(?<trail>[$£€]))?/giu;

const ANY_DIGIT = /\d/;

/** Past this many digits people read digits one by one (IDs, phone numbers), not "quadrillions". */
const MAX_CARDINAL_DIGITS = 15;

interface CurrencyNames {
  unit: [singular: string, plural: string];
  subunit: [singular: string, plural: string];
}

const CURRENCIES = {
  $: { unit: ['dollar', 'dollars'], subunit: ['cent', 'cents'] },
  '£': { unit: ['pound', 'pounds'], subunit: ['penny', 'pence'] },
  '€': { unit: ['euro', 'euros'], subunit: ['cent', 'cents'] },
} satisfies Record<string, CurrencyNames>;

/** A currency sign NUMBER's `cur` and `trail` groups match (its `[$£€]` classes). */
type Currency = keyof typeof CURRENCIES;

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

const toWords = new ToWords();

/**
 * Rewrites every number in a word as spoken English, space-separated from its neighbours
 * ("$3.50" -> " three dollars fifty cents ", "1999" -> " nineteen ninety nine ").
 */
export function speakNumbers(text: string): string {
  if (!ANY_DIGIT.test(text)) return text;
  return text.replace(NUMBER, (...args: unknown[]) => {
    const groups = args[args.length - 1] as NumberGroups;
    return ` ${speak(groups)} `;
  });
}

interface NumberGroups {
  neg?: string;
  cur?: Currency;
  int: string;
  frac?: string;
  ord?: string;
  plural?: string;
  pct?: string;
  trail?: Currency;
}

function speak(groups: NumberGroups): string {
  const digits = groups.int.replaceAll(',', '');
  const sign = groups.neg === undefined ? '' : 'minus ';
  const currency = groups.cur ?? groups.trail;
  if (currency !== undefined) return sign + money(digits, groups.frac, CURRENCIES[currency]);
  const amount = groups.frac === undefined ? cardinal(digits) : decimal(digits, groups.frac);
  if (groups.pct !== undefined) return `${sign}${amount} percent`;
  if (groups.frac !== undefined || groups.neg !== undefined) return sign + amount;
  if (groups.ord !== undefined) return ordinal(digits);
  const plain = groups.int === digits ? (year(digits) ?? amount) : amount;
  return groups.plural === undefined ? plain : pluralizeLastWord(plain);
}

/** Cardinal number words; long or zero-led digit strings (codes, IDs) are read digit by digit. */
function cardinal(digits: string): string {
  if (digits.length > MAX_CARDINAL_DIGITS || (digits.length > 1 && digits.startsWith('0'))) {
    return digitByDigit(digits);
  }
  return toWords.convert(BigInt(digits)).toLowerCase();
}

function digitByDigit(digits: string): string {
  return Array.from(digits, (digit) => DIGITS[Number(digit)]).join(' ');
}

/** "3.14" is read "three point one four", as people say it (the library would say "point fourteen"). */
function decimal(digits: string, frac: string): string {
  return `${cardinal(digits)} point ${digitByDigit(frac)}`;
}

function ordinal(digits: string): string {
  if (digits.length > MAX_CARDINAL_DIGITS) return cardinal(digits);
  return toWords.toOrdinal(BigInt(digits)).toLowerCase();
}

/**
 * English year reading, which no maintained library offers: "1999" -> "nineteen ninety nine", "1905" ->
 * "nineteen oh five", "1900" -> "nineteen hundred"; 2000-2009 stay cardinal ("two thousand five").
 */
function year(digits: string): string | undefined {
  if (digits.length !== 4) return undefined;
  const value = Number(digits);
  if (value < 1100 || value > 2099 || (value >= 2000 && value <= 2009)) return undefined;
  const century = cardinal(String(Math.floor(value / 100)));
  const rest = value % 100;
  if (rest === 0) return `${century} hundred`;
  return rest < 10 ? `${century} oh ${cardinal(String(rest))}` : `${century} ${cardinal(String(rest))}`;
}

/**
 * Money as it is said: "three dollars fifty cents", "five pounds", "fifty cents". Composed here rather than
 * with the library's currency mode, which inserts "and" and reads "$0.50" as "zero dollars and fifty cents".
 */
function money(digits: string, frac: string | undefined, names: CurrencyNames): string {
  if (frac !== undefined && frac.length > 2) return `${decimal(digits, frac)} ${names.unit[1]}`;
  // Number() is exact for the small amounts where singular/plural matters and linear for huge ones.
  const units = Number(digits);
  const cents = frac === undefined ? 0 : Number(frac.padEnd(2, '0'));
  const parts: string[] = [];
  if (units !== 0 || cents === 0) parts.push(`${cardinal(digits)} ${names.unit[units === 1 ? 0 : 1]}`);
  if (cents !== 0) parts.push(`${cardinal(String(cents))} ${names.subunit[cents === 1 ? 0 : 1]}`);
  return parts.join(' ');
}

/** "1990s" -> "nineteen nineties", "80s" -> "eighties". */
function pluralizeLastWord(words: string): string {
  const cut = words.lastIndexOf(' ') + 1;
  const last = words.slice(cut);
  const plural = last.endsWith('y')
    ? `${last.slice(0, -1)}ies`
    : last.endsWith('x')
      ? `${last}es`
      : `${last}s`;
  return words.slice(0, cut) + plural;
}
