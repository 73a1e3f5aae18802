/**
 * Spans of time a search has already proven hold no free instant (or no free
 * slot), kept so the next search can jump over them.
 *
 * Why: a wave books many publications at the same requested time on one
 * channel; without this, the n-th one walks past the n − 1 placed before it and
 * a wave costs O(n²) steps. Adding a booking only makes less time free, so what
 * was proven busy stays busy; removing one (preempt) can free time only near it,
 * so exactly that neighbourhood is forgotten.
 */
export class KnownBusyTime {
  /** Disjoint [from, to) spans, sorted by `from`. */
  private readonly spans: { from: number; to: number }[] = [];

  /** The proven-busy span holding `instant`, if any. */
  containing(instant: number): { from: number; to: number } | undefined {
    const index = this.firstEndingAfter(instant);
    const span = this.spans[index];
    return span && span.from <= instant ? span : undefined;
  }

  /** Records that [from, to) holds nothing free, merging with what is known. */
  add(from: number, to: number): void {
    if (!(to > from)) return;
    // Spans that overlap or touch [from, to) merge into one.
    const first = this.firstEndingAtOrAfter(from);
    let last = first;
    let mergedFrom = from;
    let mergedTo = to;
    while (last < this.spans.length && this.spans[last]!.from <= to) {
      mergedFrom = Math.min(mergedFrom, this.spans[last]!.from);
      mergedTo = Math.max(mergedTo, this.spans[last]!.to);
      last += 1;
    }
    this.spans.splice(first, last - first, { from: mergedFrom, to: mergedTo });
  }

  /** Forgets [from, to]: something there may have become free. */
  forget(from: number, to: number): void {
    const first = this.firstEndingAfter(from);
    let last = first;
    const kept: { from: number; to: number }[] = [];
    while (last < this.spans.length && this.spans[last]!.from <= to) {
      const span = this.spans[last]!;
      if (span.from < from) kept.push({ from: span.from, to: from });
      if (span.to > to + 1) kept.push({ from: to + 1, to: span.to });
      last += 1;
    }
    this.spans.splice(first, last - first, ...kept);
  }

  /** Index of the first span whose end is after `instant`. */
  private firstEndingAfter(instant: number): number {
    return this.firstIndex((span) => span.to > instant);
  }

  /** Index of the first span whose end is at or after `instant`. */
  private firstEndingAtOrAfter(instant: number): number {
    return this.firstIndex((span) => span.to >= instant);
  }

  /** Binary search for the first span meeting `test`, which holds for every span after it. */
  private firstIndex(test: (span: { from: number; to: number }) => boolean): number {
    let low = 0;
    let high = this.spans.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (test(this.spans[middle]!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
