import { COMPLETE, type StreamEnd, type StreamEndCheck } from './stream-end';

/** "OggS", which starts every page. */
const CAPTURE = [0x4f, 0x67, 0x67, 0x53] as const;
/** Offset of the stream structure version, 0 in every valid page. */
const VERSION_AT = 4;
/** Bytes of a page header before its segment table. */
const HEADER_BYTES = 27;
/** Offset of the page's segment count, the length of the segment table. */
const SEGMENT_COUNT_AT = 26;

/**
 * Where the body of the page whose header starts `page` begins, after its segment table: in a stream's first
 * page, its first packet (the codec's identification header).
 */
export function pageBodyStart(page: Uint8Array): number {
  return HEADER_BYTES + (page[SEGMENT_COUNT_AT] ?? 0);
}
/** header_type flag of a logical stream's first page. */
const BEGINNING_OF_STREAM = 0x02;
/** header_type flag of a logical stream's last page. */
const END_OF_STREAM = 0x04;
/** Offset of the page's 64-bit little-endian granule position. */
const GRANULE_AT = 6;
/** Offset of the pre-skip (16-bit little-endian) in an Opus identification header (RFC 7845 §5.1). */
const OPUS_PRE_SKIP_AT = 10;

/**
 * Walks Ogg pages (RFC 3533) by their headers alone: a complete stream ends with a whole page flagged
 * end-of-stream, so a file that ends inside a page, or after a page without that flag, was cut short. Bytes
 * between pages (damage, a tag appended at the end) are skipped up to the next "OggS".
 */
export class OggPageCheck implements StreamEndCheck {
  /** The current page's header and segment table, once its capture pattern has been seen. */
  private readonly header = new Uint8Array(HEADER_BYTES + 255);
  private headerLength = 0;
  /** Capture pattern bytes matched while searching for a page. */
  private matched = 0;
  private inPage = false;
  private bodyLeft = 0;
  private pageBytes = 0;
  private lastPageEnds = false;
  private pages = 0;
  private streams = 0;
  private endGranule: number | undefined;

  /**
   * The granule position of the end-of-stream page once its header has been read, which is before the decoder
   * can return that page's samples; undefined before, when it has none, or when the file chains several streams.
   */
  public get finalGranule(): number | undefined {
    return this.streams === 1 ? this.endGranule : undefined;
  }

  public push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      if (!this.inPage) {
        at = this.search(bytes, at);
      } else if (this.headerLength < this.headerBytes()) {
        at = this.readHeader(bytes, at);
      } else {
        const skipped = Math.min(this.bodyLeft, bytes.length - at);
        this.bodyLeft -= skipped;
        at += skipped;
        if (this.bodyLeft === 0) this.endPage();
      }
    }
  }

  public finish(): StreamEnd {
    if (this.inPage) {
      const where =
        this.headerLength < this.headerBytes()
          ? 'inside its header'
          : `with ${this.pageBytes - this.bodyLeft} of its ${this.pageBytes} bytes present`;
      return { complete: false, certain: true, reason: `it ends inside an Ogg page, ${where}` };
    }
    if (this.pages === 0) {
      return { complete: false, certain: true, reason: 'it holds no complete Ogg page' };
    }
    if (this.streams > 1) {
      // The decoders stop after the first logical stream: decoding on would silently drop the rest.
      return {
        complete: false,
        certain: true,
        reason: `it chains ${this.streams} Ogg streams one after another (files joined end to end), and only the first would be decoded; convert it to one stream first`,
      };
    }
    if (!this.lastPageEnds) {
      return {
        complete: false,
        certain: true,
        reason: 'its last Ogg page is not marked end-of-stream, so the pages after it are missing',
      };
    }
    return COMPLETE;
  }

  /** Where the header read stops next: after the version byte, after the fixed header, after the segment table. */
  private headerBytes(): number {
    if (this.headerLength <= VERSION_AT) return VERSION_AT + 1;
    return this.headerLength < HEADER_BYTES ? HEADER_BYTES : pageBodyStart(this.header);
  }

  private search(bytes: Uint8Array, from: number): number {
    for (let at = from; at < bytes.length; at++) {
      const byte = bytes[at] as number;
      this.matched = byte === CAPTURE[this.matched] ? this.matched + 1 : byte === CAPTURE[0] ? 1 : 0;
      if (this.matched === CAPTURE.length) {
        this.header.set(CAPTURE);
        this.headerLength = CAPTURE.length;
        this.matched = 0;
        this.inPage = true;
        this.bodyLeft = 0;
        return at + 1;
      }
    }
    return bytes.length;
  }

  private readHeader(bytes: Uint8Array, from: number): number {
    const want = this.headerBytes() - this.headerLength;
    const taken = bytes.subarray(from, from + want);
    this.header.set(taken, this.headerLength);
    this.headerLength += taken.length;
    if (this.headerLength === VERSION_AT + 1 && this.header[VERSION_AT] !== 0) {
      // Version 0 is the only one; anything else is "OggS" met by chance inside damaged data, and the search
      // resumes at that byte, which may itself start the real capture pattern.
      this.inPage = false;
      return from + taken.length - 1;
    }
    if (this.headerLength === HEADER_BYTES) this.startPage();
    if (this.headerLength === this.headerBytes()) {
      const segments = this.header.subarray(HEADER_BYTES, this.headerLength);
      this.bodyLeft = segments.reduce((sum, lacing) => sum + lacing, 0);
      this.pageBytes = this.headerLength + this.bodyLeft;
      if (this.bodyLeft === 0) this.endPage();
    }
    return from + taken.length;
  }

  private startPage(): void {
    const flags = this.header[5] as number;
    if ((flags & BEGINNING_OF_STREAM) !== 0) this.streams++;
    if ((flags & END_OF_STREAM) === 0) return;
    const view = new DataView(this.header.buffer, GRANULE_AT, 8);
    const low = view.getUint32(0, true);
    const high = view.getUint32(4, true);
    // All ones means no packet ends on the page; above 2^53 samples no real stream goes.
    this.endGranule = high >= 0x200000 ? undefined : high * 2 ** 32 + low;
  }

  private endPage(): void {
    this.pages++;
    this.lastPageEnds = ((this.header[5] as number) & END_OF_STREAM) !== 0;
    this.inPage = false;
  }
}

/** The pre-skip an Ogg Opus file's first page declares: 48 kHz samples the decoder drops before the audio. */
export function opusPreSkip(head: Uint8Array): number {
  const at = pageBodyStart(head) + OPUS_PRE_SKIP_AT;
  return (head[at] ?? 0) | ((head[at + 1] ?? 0) << 8);
}
