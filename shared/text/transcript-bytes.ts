import { audioFormatName } from '../audio/format-sniffer';
import { InvalidInputError } from '../errors';

/** Leading bytes of documents people pass for a transcript by mistake, and what to call them (audio aside). */
const DOCUMENTS: ReadonlyArray<{ magic: string; looksLike: string }> = [
  { magic: '%PDF-', looksLike: 'a PDF document' },
  { magic: 'PK\u0003\u0004', looksLike: 'a ZIP archive, as .docx and .odt documents are' },
];

/**
 * Above this share of control characters (other than tab, line feed, form feed and carriage return) valid UTF-8
 * is data, not text: typed or exported text has next to none, while 29 of the 128 ASCII byte values are such
 * controls, so binary data that happens to decode has far more than a tenth.
 */
const MAX_CONTROL_SHARE = 0.1;

/**
 * A transcript's bytes as text: strict UTF-8, a leading byte-order mark dropped. Bytes that are not text (an
 * audio file passed by mistake, a binary sidecar) fail with INVALID_INPUT saying so, `name` first, instead of
 * being aligned as garbage characters.
 */
export function transcriptText(bytes: Uint8Array, name: string): string {
  // Windows editors save "Unicode" text as UTF-16 with a byte-order mark; its NUL bytes would say "not text",
  // and FF FE would pass for an MP3 frame header.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InvalidInputError(`${name} is UTF-16 text, not UTF-8; save it as UTF-8`);
  }
  const looksLike = audioLooksLike(bytes) ?? DOCUMENTS.find((entry) => ascii(bytes, entry.magic))?.looksLike;
  if (looksLike !== undefined) throw notText(name, `it looks like ${looksLike}`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw notText(name, `it has a NUL byte at offset ${nul}`);
  let text: string;
  try {
    // The decoder drops a leading byte-order mark (Windows editors write one).
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InvalidInputError(`${name} is not UTF-8 text (${invalidUtf8(bytes)}); save it as UTF-8`, {
      cause: error,
    });
  }
  const controls = text.match(/[^\P{Cc}\t\n\f\r]/gu)?.length ?? 0;
  if (controls > MAX_CONTROL_SHARE * text.length) {
    throw notText(name, `${controls} of its ${text.length} characters are control characters`);
  }
  return text;
}

function notText(name: string, why: string): InvalidInputError {
  return new InvalidInputError(`${name} is not text (${why})`);
}

/** 'a WAV file', 'an MP3 file' for bytes that start like an audio file, else undefined. */
function audioLooksLike(bytes: Uint8Array): string | undefined {
  const format = audioFormatName(bytes);
  if (format === undefined) return undefined;
  // Of the names audioFormatName gives, those starting with a vowel or an M (read "em": MP3) take "an".
  return `${/^[AEIOUM]/.test(format) ? 'an' : 'a'} ${format} file`;
}

function ascii(bytes: Uint8Array, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Where UTF-8 decoding first breaks, so a person can find it (often a Latin-1 letter): the longest prefix that
 * decodes (a character cut off at its end still does, in streaming mode) ends there, or in the character it cut.
 */
function invalidUtf8(bytes: Uint8Array): string {
  const decodes = (length: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(bytes.length)) return 'it ends inside a UTF-8 character';
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (decodes(middle)) good = middle;
    else bad = middle;
  }
  const offset = cutCharacterStart(bytes, good) ?? good;
  return `byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset} is not valid UTF-8 there`;
}

/** Where the character that the first `length` bytes end inside of starts, if they end inside one. */
function cutCharacterStart(bytes: Uint8Array, length: number): number | undefined {
  for (let start = length - 1; start >= Math.max(0, length - 3); start--) {
    const byte = bytes[start] ?? 0;
    if (byte >= 0x80 && byte < 0xc0) continue;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length - start < size ? start : undefined;
  }
  return undefined;
}
