import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from './clock.js';
import { formatLogId } from './domain/identifiers.js';

const SNOWFLAKE_EPOCH_MS = 1_288_834_974_657n;

/** Makes the IDs the server assigns. Random parts come from crypto; time from the clock. */
export class IdGenerator {
  private lastId = 0n;
  private readonly node = BigInt(randomInt(1024));
  private sequence = 0n;

  constructor(private readonly clock: Clock) {}

  /** A 19-digit, increasing decimal id like the platform's system_status_id. */
  systemStatusId(): string {
    const time = BigInt(this.clock.now()) - SNOWFLAKE_EPOCH_MS;
    this.sequence = (this.sequence + 1n) & 0xfffn;
    let id = (time << 22n) | (this.node << 12n) | this.sequence;
    if (id <= this.lastId) id = this.lastId + 1n;
    this.lastId = id;
    return id.toString();
  }

  logId(): string {
    return formatLogId(this.clock.now(), randomBytes(10).toString('hex'));
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
