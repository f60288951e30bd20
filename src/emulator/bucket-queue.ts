// A priority queue for many entries whose keys lie far apart (end_times up to months ahead):
// entries wait unsorted in buckets of `width` key units, and only the earliest bucket is sorted,
// when it is first needed. A push outside that bucket is an array push, not a heap's sift.
// An entry is a key and two values kept in three parallel arrays, not an object: a busy server
// queues fifty a request, each living for hours, and objects that live that long cost the garbage
// collector a copy out of the young generation and a mark in every full collection.
import { MinHeap } from './min-heap.js';

/** One bucket's entries; the head bucket's are sorted latest first, so the earliest pops off the end. */
class Bucket<A, B> {
  keys: number[] = [];
  firsts: A[] = [];
  seconds: B[] = [];
}

export interface Entry<A, B> {
  key: number;
  first: A;
  second: B;
}

export class BucketQueue<A, B> {
  private readonly buckets = new Map<number, Bucket<A, B>>();
  /** Numbers of the buckets waiting in `buckets`. */
  private readonly order = new MinHeap<number>((bucket) => bucket);
  private head = new Bucket<A, B>();
  private headBucket = Number.NaN;
  private count = 0;

  constructor(private readonly width: number) {}

  get size(): number {
    return this.count;
  }

  push(key: number, first: A, second: B): void {
    const bucket = Math.floor(key / this.width);
    this.count++;
    if (bucket === this.headBucket) {
      // Keep the head sorted: insert before the first entry with a smaller key (from the end).
      const { keys, firsts, seconds } = this.head;
      let at = keys.length;
      while (at > 0 && keys[at - 1] < key) at--;
      keys.splice(at, 0, key);
      firsts.splice(at, 0, first);
      seconds.splice(at, 0, second);
      return;
    }
    if (bucket < this.headBucket) this.returnHead();
    let entries = this.buckets.get(bucket);
    if (!entries) {
      this.buckets.set(bucket, (entries = new Bucket()));
      this.order.push(bucket);
    }
    entries.keys.push(key);
    entries.firsts.push(first);
    entries.seconds.push(second);
  }

  /** The smallest key waiting, or undefined. */
  peekKey(): number | undefined {
    this.fillHead();
    const { keys } = this.head;
    return keys.length > 0 ? keys[keys.length - 1] : undefined;
  }

  pop(): Entry<A, B> | undefined {
    this.fillHead();
    const { keys, firsts, seconds } = this.head;
    if (keys.length === 0) return undefined;
    this.count--;
    return { key: keys.pop()!, first: firsts.pop()!, second: seconds.pop()! };
  }

  clear(): void {
    this.buckets.clear();
    this.order.clear();
    this.head = new Bucket();
    this.headBucket = Number.NaN;
    this.count = 0;
  }

  private returnHead(): void {
    if (this.head.keys.length > 0) {
      this.buckets.set(this.headBucket, this.head);
      this.order.push(this.headBucket);
    }
    this.head = new Bucket();
    this.headBucket = Number.NaN;
  }

  private fillHead(): void {
    if (this.head.keys.length > 0) return;
    const bucket = this.order.pop();
    if (bucket === undefined) {
      this.headBucket = Number.NaN;
      return;
    }
    const entries = this.buckets.get(bucket)!;
    this.buckets.delete(bucket);
    this.headBucket = bucket;
    const { keys, firsts, seconds } = entries;
    const order = keys.map((_, index) => index).sort((a, b) => keys[b] - keys[a]);
    this.head = { keys: order.map((index) => keys[index]), firsts: order.map((index) => firsts[index]), seconds: order.map((index) => seconds[index]) };
  }
}
