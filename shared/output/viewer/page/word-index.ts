/** Index of the first element for which `predicate` holds, in an array where it holds from some index on. */
export function firstIndex(array: ArrayLike<number>, predicate: (value: number) => boolean): number {
  let low = 0;
  let high = array.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (predicate(array[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Finds words by time in O(log n), for a timeline of any length. */
export class WordIndex {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  // Prefix maximum of ends and suffix minimum of starts: both monotonic, so the words overlapping a time
  // range are found by two binary searches even if interpolated words overlap their neighbours.
  private readonly maxEndUpTo: Float64Array;
  private readonly minStartFrom: Float64Array;

  constructor(words: readonly { start: number; end: number }[]) {
    const count = words.length;
    this.starts = new Float64Array(count);
    this.ends = new Float64Array(count);
    this.maxEndUpTo = new Float64Array(count);
    this.minStartFrom = new Float64Array(count);
    let maxEnd = Number.NEGATIVE_INFINITY;
    for (const [i, { start, end }] of words.entries()) {
      this.starts[i] = start;
      this.ends[i] = end;
      maxEnd = Math.max(maxEnd, end);
      this.maxEndUpTo[i] = maxEnd;
    }
    let minStart = Number.POSITIVE_INFINITY;
    for (let i = count - 1; i >= 0; i--) {
      minStart = Math.min(minStart, this.starts[i]!);
      this.minStartFrom[i] = minStart;
    }
  }

  /**
   * The index range [first, last) that holds every word overlapping the time range [viewStart, viewEnd):
   * exactly those unless a word overlapping its neighbours reaches into the range from outside.
   */
  inView(viewStart: number, viewEnd: number): [first: number, last: number] {
    return [
      firstIndex(this.maxEndUpTo, (end) => end > viewStart),
      firstIndex(this.minStartFrom, (start) => start >= viewEnd),
    ];
  }

  /** The last word starting at or before `time` if it is still going on then, else -1. */
  at(time: number): number {
    const index = this.firstStartingAfter(time) - 1;
    return index >= 0 && time < this.ends[index]! ? index : -1;
  }

  /** The first word starting after `time`; the word count when none does. */
  firstStartingAfter(time: number): number {
    return firstIndex(this.starts, (start) => start > time);
  }
}

/** Which word an arrow key plays: the next or previous one from the highlighted word, or from the playhead. */
export function steppedWord(
  direction: 1 | -1,
  current: number,
  firstAfterPlayhead: number,
  wordCount: number,
): number {
  const from = current >= 0 ? current : firstAfterPlayhead;
  // With no word highlighted, the word after the playhead is the next one, so "next" does not skip it.
  const step = direction === 1 ? (current >= 0 ? 1 : 0) : -1;
  return Math.max(0, Math.min(wordCount - 1, from + step));
}
