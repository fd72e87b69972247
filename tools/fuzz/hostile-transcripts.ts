import type { SeededRandom } from './seeded-random';

/** A transcript the pipeline must answer with a result or a typed error; `label` names the kind for reports. */
export interface HostileTranscript {
  label: string;
  text: string;
}

const ONE_MIB = 1024 * 1024;

/** The named cases of the proving-ground list: empty, whitespace, 1 MiB, controls, RTL, combining, emoji... */
export const NAMED_TRANSCRIPTS: readonly HostileTranscript[] = [
  { label: 'empty', text: '' },
  { label: 'whitespace', text: ' \t\n\r\u00a0\u2003\u3000 ' },
  { label: 'zero-width only', text: '\u200b\u200c\u200d\ufeff\u2060' },
  {
    label: '1 MiB of text',
    text: 'the quick brown fox jumps over the lazy dog '.repeat(ONE_MIB / 44 + 1).slice(0, ONE_MIB),
  },
  { label: 'one 100k-letter word', text: 'a'.repeat(100_000) },
  { label: 'control characters', text: 'hello\u0000world\u0007 \u001b[31mred\u001b[0m \u007f\u0085end' },
  { label: 'right-to-left', text: 'שלום עולם مرحبا بالعالم \u202ehello\u202c' },
  {
    label: 'combining marks',
    text: 'e\u0301\u0301\u0301\u0301 a\u0308 Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357o',
  },
  { label: 'emoji', text: '👋🏽 hello 🇫🇷 👨‍👩‍👧 world 🙂' },
  { label: 'only digits', text: '0123456789 42 3.14 1,000,000' },
  { label: 'only unknown characters', text: '§¶• ∑∫√ ☃☂ 中文字' },
  { label: 'lone surrogates', text: '\ud800 abc \udfff def' },
  { label: 'punctuation only', text: '... --- !!! ??? "\'" ()' },
  { label: 'mixed scripts', text: 'Hello 世界 Привет κόσμε' },
];

/** Code point pools random transcripts draw from, by script and kind. */
const POOLS: readonly (readonly [number, number])[] = [
  [0x41, 0x5a],
  [0x61, 0x7a],
  [0x30, 0x39],
  [0x20, 0x20],
  [0x00, 0x1f],
  [0x21, 0x2f],
  [0xc0, 0x17f],
  [0x300, 0x36f],
  [0x590, 0x5ff],
  [0x600, 0x6ff],
  [0x4e00, 0x4e80],
  [0x1f300, 0x1f64f],
  [0x200b, 0x200f],
  [0xd800, 0xdfff],
];

/** A random string of up to 200 code points from mixed scripts, controls, combining marks and surrogates. */
export function randomTranscript(random: SeededRandom): HostileTranscript {
  const length = random.int(0, 200);
  const letters = random.chance(0.5);
  let text = '';
  for (let i = 0; i < length; i++) {
    const [low, high] = letters && random.chance(0.7) ? random.pick(POOLS.slice(0, 4)) : random.pick(POOLS);
    const code = random.int(low, high);
    text += code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(code);
  }
  return { label: 'random text', text };
}
