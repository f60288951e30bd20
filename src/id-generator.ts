import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from './clock.js';
import { formatLogId } from './domain/identifiers.js';

const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;

/** Makes the IDs the server assigns. Random parts come from crypto; time from the clock. */
export class IdGenerator {
  private lastId = 0n;
  private node: bigint;
  private sequence = 0n;

  /** Random bytes drawn 4 KiB at a time: one draw per request costs more than the rest of its log id. */
  private pool = Buffer.alloc(0);
  private poolAt = 0;
  /** The log id's time part, made once per second. */
  private stampSecond = Number.NaN;
  private stamp = '';

  /** `node`: the id's 10 machine bits (random unless a test fixes them). */
  constructor(
    private readonly clock: Clock,
    node = randomInt(1024),
  ) {
    this.node = BigInt(node);
  }

  /**
   * A 19-digit, increasing decimal id like the platform's system_status_id. Ids this generator made
   * never repeat; another generator (another node, or this process before a restart, while the
   * clock stood still or was moved back) may have drawn the same node bits at the same clock time.
   */
  systemStatusId(): string {
    const time = BigInt(this.clock.now()) - SNOWFLAKE_EPOCH_MS;
    this.sequence = (this.sequence + 1n) & 0xfffn;
    let id = (time << 22n) | (this.node << 12n) | this.sequence;
    if (id <= this.lastId) id = this.lastId + 1n;
    this.lastId = id;
    return id.toString();
  }

  /**
   * After an id was refused as taken: other node bits, and the next ids past every id the old bits
   * make at this clock time, so that they neither repeat that run nor go back (ids stay increasing).
   */
  renewNode(): void {
    const time = BigInt(this.clock.now()) - SNOWFLAKE_EPOCH_MS;
    const endOfRun = (time << 22n) | (this.node << 12n) | 0xfffn;
    if (this.lastId < endOfRun) this.lastId = endOfRun;
    let node: bigint;
    do node = BigInt(randomInt(1024));
    while (node === this.node);
    this.node = node;
  }

  logId(): string {
    const now = this.clock.now();
    const second = Math.floor(now / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stamp = formatLogId(now, '');
    }
    if (this.poolAt + 10 > this.pool.length) {
      this.pool = randomBytes(4096);
      this.poolAt = 0;
    }
    const random = this.pool.toString('hex', this.poolAt, (this.poolAt += 10)).toUpperCase();
    return this.stamp + random;
  }

  tenantKey(): string {
    return randomBytes(8).toString('hex');
  }

  appId(): string {
    return `cli_${randomBytes(8).toString('hex')}`;
  }

  appSecret(): string {
    return randomBytes(16).toString('base64url');
  }

  nonce(): string {
    return randomBytes(16).toString('hex');
  }
}
