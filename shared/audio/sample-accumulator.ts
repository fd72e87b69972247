/** Samples per page when the final length is unknown (4 MiB of float32). */
const PAGE_SAMPLES = 1 << 20;

/**
 * Collects output blocks without knowing the final length up front. With a size estimate the first page is
 * allocated at that size, so an exact estimate costs exactly one allocation of the output; otherwise fixed-size
 * pages are joined at the end (briefly twice the output), never regrown by copying.
 */
export class SampleAccumulator {
  private readonly pages: Float32Array[] = [];
  private pageFill = 0;
  private total = 0;

  public constructor(private readonly firstPageSamples: number = PAGE_SAMPLES) {}

  /** Samples collected so far. */
  public get length(): number {
    return this.total;
  }

  /** Copies `block` in. */
  public append(block: Float32Array): void {
    let from = 0;
    while (from < block.length) {
      let page = this.pages[this.pages.length - 1];
      if (page === undefined || this.pageFill === page.length) {
        page = new Float32Array(this.pages.length === 0 ? Math.max(1, this.firstPageSamples) : PAGE_SAMPLES);
        this.pages.push(page);
        this.pageFill = 0;
      }
      const count = Math.min(block.length - from, page.length - this.pageFill);
      page.set(block.subarray(from, from + count), this.pageFill);
      this.pageFill += count;
      from += count;
    }
    this.total += block.length;
  }

  /** All samples in order, as one array. */
  public finish(): Float32Array {
    const [first] = this.pages;
    if (first === undefined) return new Float32Array(0);
    if (this.pages.length === 1) return first.subarray(0, this.total);
    const out = new Float32Array(this.total);
    let offset = 0;
    for (const [i, page] of this.pages.entries()) {
      const used = i === this.pages.length - 1 ? this.pageFill : page.length;
      out.set(page.subarray(0, used), offset);
      offset += used;
    }
    return out;
  }
}
