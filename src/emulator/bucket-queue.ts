// A priority queue for many items whose keys lie far apart (end_times up to months ahead): items
// wait unsorted in buckets of `width` key units, and only the earliest bucket is sorted, when it
// is first needed. A push outside that bucket is an array push, not a heap's sift.
import { MinHeap } from './min-heap.js';

export class BucketQueue<T> {
  private readonly buckets = new Map<number, T[]>();
  /** Numbers of the buckets waiting in `buckets`. */
  private readonly order = new MinHeap<number>((bucket) => bucket);
  /** The earliest bucket, sorted latest first so the earliest item pops off the end. */
  private head: T[] = [];
  private headBucket = Number.NaN;
  private count = 0;

  constructor(
    private readonly key: (item: T) => number,
    private readonly width: number,
  ) {}

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const key = this.key(item);
    const bucket = Math.floor(key / this.width);
    this.count++;
    if (bucket === this.headBucket) {
      // Keep the head sorted: insert before the first item with a smaller key (from the end).
      let at = this.head.length;
      while (at > 0 && this.key(this.head[at - 1]) < key) at--;
      this.head.splice(at, 0, item);
      return;
    }
    if (bucket < this.headBucket) this.returnHead();
    let items = this.buckets.get(bucket);
    if (!items) {
      this.buckets.set(bucket, (items = []));
      this.order.push(bucket);
    }
    items.push(item);
  }

  peek(): T | undefined {
    this.fillHead();
    return this.head[this.head.length - 1];
  }

  pop(): T | undefined {
    this.fillHead();
    const item = this.head.pop();
    if (item !== undefined) this.count--;
    return item;
  }

  clear(): void {
    this.buckets.clear();
    this.order.clear();
    this.head = [];
    this.headBucket = Number.NaN;
    this.count = 0;
  }

  private returnHead(): void {
    if (this.head.length > 0) {
      this.buckets.set(this.headBucket, this.head);
      this.order.push(this.headBucket);
    }
    this.head = [];
    this.headBucket = Number.NaN;
  }

  private fillHead(): void {
    if (this.head.length > 0) return;
    const bucket = this.order.pop();
    if (bucket === undefined) {
      this.headBucket = Number.NaN;
      return;
    }
    this.head = this.buckets.get(bucket)!;
    this.buckets.delete(bucket);
    this.headBucket = bucket;
    this.head.sort((a, b) => this.key(b) - this.key(a));
  }
}
