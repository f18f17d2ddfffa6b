// Bounded collections for streaming aggregation: a top-K heap and a reservoir sample.

/** Keeps the K items with the largest key; O(log K) per offer. */
export class TopK<T> {
  private heap: { key: number; seq: number; value: T; id?: string }[] = [];
  private seq = 0;
  /** The ids of the kept items (offers with an id). */
  private ids = new Map<string, { key: number }>();
  constructor(readonly k: number) {}

  /**
   * Ties keep the earlier item. With an `id`, an item whose id is already kept is not kept twice (the same review
   * posted many times is listed once): the kept one stays unless this one's key is larger.
   */
  offer(key: number, value: T, id?: string): void {
    if (this.k <= 0 || Number.isNaN(key)) return;
    const h = this.heap;
    if (id !== undefined) {
      const kept = this.ids.get(id);
      if (kept && kept.key >= key) return;
      if (kept) {
        const i = h.findIndex((x) => x.id === id);
        const last = h.pop()!;
        if (i < h.length) {
          h[i] = last;
          this.down(i);
          this.up(i);
        }
        this.ids.delete(id);
      }
    }
    const e = { key, seq: this.seq++, value, id };
    if (h.length < this.k) {
      h.push(e);
      this.up(h.length - 1);
    } else if (this.less(h[0], e)) {
      if (h[0].id !== undefined) this.ids.delete(h[0].id);
      h[0] = e;
      this.down(0);
    } else return;
    if (id !== undefined) this.ids.set(id, e);
  }

  /** Would an item with this key be kept? (Lets callers skip building it.) */
  wouldKeep(key: number): boolean {
    return this.heap.length < this.k || key > this.heap[0].key;
  }

  get size(): number {
    return this.heap.length;
  }

  /** The kept items with their keys and ids, largest key first (to offer them again to another TopK). */
  entries(): { key: number; id?: string; value: T }[] {
    return [...this.heap].sort((a, b) => b.key - a.key || a.seq - b.seq).map((e) => ({ key: e.key, id: e.id, value: e.value }));
  }

  /** Largest key first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => b.key - a.key || a.seq - b.seq).map((e) => e.value);
  }

  // min-heap on (key asc, seq desc): the root is the weakest entry.
  private less(a: { key: number; seq: number }, b: { key: number; seq: number }): boolean {
    return a.key < b.key || (a.key === b.key && a.seq > b.seq);
  }
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

/** Uniform random sample of at most `capacity` items from a stream (Algorithm R, seeded PRNG: reproducible). */
export class Reservoir<T> {
  readonly items: T[] = [];
  seen = 0;
  private state: number;
  constructor(readonly capacity: number, seed = 0x9e3779b9) {
    this.state = seed >>> 0 || 1;
  }
  private rand(): number {
    // xorshift32
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }
  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      const j = Math.floor(this.rand() * this.seen);
      if (j < this.capacity) this.items[j] = item;
    }
  }
  /** Like offer(), but builds the item only when it is kept (same random sequence as offer()). */
  /** Offers an item made only when it is kept; returns it then (undefined when it was not kept). */
  offerLazy(make: () => T): T | undefined {
    this.seen++;
    if (this.items.length < this.capacity) {
      const v = make();
      this.items.push(v);
      return v;
    }
    const j = Math.floor(this.rand() * this.seen);
    if (j >= this.capacity) return undefined;
    const v = make();
    this.items[j] = v;
    return v;
  }
}
