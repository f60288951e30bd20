// The tables that grow with every user and app, kept without one object and one Map entry per
// row: at 1M users they are 1M users, 2M derived IDs and 1M contact-scope rows. As objects, the IDs
// and scopes held about 420 MiB of a 690 MiB heap, and later the users 165 of a 245 MiB state.
// Each hands out row objects made on demand, so the store's methods, undo, the log and the dump
// see the same rows as with any other table.
import type { TableState } from './state.js';
import type { UserRecord } from '../store.js';
import { compareText, contactUsersCodec, type TableCodec, tableNumber, type UserIdRow, usersCodec } from './tables.js';

/** Text of a column with few distinct values (tenant keys, app ids, developers) as a small number. */
class TextNumbers {
  private readonly numbers = new Map<string, number>();
  readonly texts: string[] = [];
  constructor(texts: readonly string[] = []) {
    for (const text of texts) this.numbers.set(text, this.texts.push(text) - 1);
  }
  private lastText: string | undefined;
  private lastNumber = 0;
  number(text: string): number {
    // Rows come in runs of the same tenant and owner.
    if (text === this.lastText) return this.lastNumber;
    let found = this.numbers.get(text);
    if (found === undefined) {
      found = this.texts.push(text) - 1;
      this.numbers.set(text, found);
    }
    this.lastText = text;
    this.lastNumber = found;
    return found;
  }
}

/** A copy of a typed array with room for `capacity` elements. */
function grownTo<A extends Uint8Array | Uint32Array | Int32Array | Float64Array>(old: A, capacity: number): A {
  const next = new (old.constructor as new (length: number) => A)(capacity);
  next.set(old);
  return next;
}

const EMPTY = -1;
const REMOVED = -2;
/** What UserIdTable.entryOf answers besides an entry. */
const NOBODY = -1;
const ANOTHER_TENANT = -2;
const NOT_COMPACT = -3;

/** Each ASCII code's hex digit value, -1 for all but 0-9 and a-f (upper case would not come back the same from the words). */
const HEX_DIGITS = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) HEX_DIGITS['0123456789abcdef'.charCodeAt(digit)] = digit;

/** A derived ID's 32 hex digits into four 32-bit words; false when the text has another shape. */
function hashWords(id: string, into: Uint32Array): boolean {
  if (id.length !== 35 || id.charCodeAt(0) !== 111 || id.charCodeAt(2) !== 95) return false;
  const kind = id.charCodeAt(1);
  if (kind !== 110 && kind !== 117) return false;
  // Without a branch per digit: a hash's digits fall at random on either side of '9', so a
  // comparison per digit was mispredicted about every third one (half of a resolution's time).
  // A code above 127 reads -1 too ((127 - c) >> 31); any -1 leaves `invalid` negative.
  let invalid = 0;
  for (let word = 0, at = 3; word < 4; word++, at += 8) {
    let value = 0;
    for (let i = 0; i < 8; i++) {
      const c = id.charCodeAt(at + i);
      const digit = HEX_DIGITS[c & 127] | ((127 - c) >> 31);
      invalid |= digit;
      value = (value << 4) | (digit & 15);
    }
    into[word] = value >>> 0;
  }
  return invalid >= 0;
}

/** An image's column: an array, or values read where they lie. */
export interface IndexedValues {
  at(index: number): unknown;
}

const hexOf = (word: number) => word.toString(16).padStart(8, '0');

/** The user_ids table's arrays as they are (memory/state-image.ts writes and reads them). */
export interface UserIdTableImage {
  entries: number;
  /** RECORD words per entry (see UserIdTable). */
  records: Uint32Array;
  slots: Int32Array;
  removedSlots: number;
  free: number[];
  texts: string[];
  /** Per entry; undefined for a free entry. */
  userIds: (string | undefined)[];
  other: UserIdRow[];
}

/** An entry's words in `records`: the four hash words, then these. */
export const RECORD = 7;
/** Bits 0–1 the kind (bit 0: the `on_` prefix; bit 1: id_type union_id), the rest the tenant's text number. */
export const RECORD_KIND_TENANT = 4;
const OWNER = 5;
/**
 * 1 + the slot the entry's user had in the users table when last resolved (0: not known yet): a
 * hint, checked against the slot's user_id, that spares resolving the user_id again.
 */
const USER_SLOT = 6;
export const tenantOfKindTenant = (word: number) => word >>> 2;

/** Records of entries whose words, kind, tenant and owner are each an array (version 2 state images); undefined when their lengths disagree. */
export function recordsOf(entries: number, words: Uint32Array, kinds: Uint8Array, tenants: Uint32Array, owners: Uint32Array): Uint32Array | undefined {
  if (words.length !== entries * 4 || [kinds, tenants, owners].some((column) => column.length !== entries)) return undefined;
  const records = new Uint32Array(entries * RECORD);
  for (let entry = 0; entry < entries; entry++) {
    const at = entry * RECORD;
    for (let w = 0; w < 4; w++) records[at + w] = words[entry * 4 + w];
    records[at + RECORD_KIND_TENANT] = ((tenants[entry] << 2) | kinds[entry]) >>> 0;
    records[at + OWNER] = owners[entry];
  }
  return records;
}

/**
 * `user_ids`: every derived ID is `ou_` or `on_` and 32 hex digits of a hash, so an entry is the
 * digits as four words, its type and prefix, its tenant and owner as text numbers, and its user_id
 * (the users table's own string, when it knows the user). Entries are one 28-byte record each in a
 * dense array, so that a look-up reads one or two cache lines of them (as separate arrays, a look-up
 * on a 1M-user tenant waited on six); an open-addressing index of entry numbers finds them. IDs of any
 * other shape (an imported data folder could hold one) are kept as plain rows beside.
 */
export class UserIdTable implements TableState<UserIdRow> {
  // Typed as any buffer's: an image's load may hand over views of its own bytes.
  private records: Uint32Array = new Uint32Array(RECORD * 1024);
  private userIds: (string | undefined)[] = [];
  private entries = 0;
  private free: number[] = [];
  private slots: Int32Array = new Int32Array(2048).fill(EMPTY);
  private removedSlots = 0;
  private texts = new TextNumbers();
  private readonly other = new Map<string, UserIdRow>();
  private readonly probe = new Uint32Array(4);

  readonly index: number;

  constructor(
    readonly codec: TableCodec<UserIdRow>,
    /** The users table's copy of a user_id, so a million IDs do not each hold their own. */
    private readonly sharedUserId: (tenantKey: string, userId: string) => string,
  ) {
    this.index = tableNumber(codec);
  }

  key(row: UserIdRow) {
    return [row.id_value];
  }

  get size() {
    return this.entries - this.free.length + this.other.size;
  }

  private slotOf(words: Uint32Array, prefix: number): number {
    const mask = this.slots.length - 1;
    const r = this.records;
    let slot = (Math.imul(words[0] ^ prefix, 0x9e3779b1) ^ words[1]) & mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === EMPTY) return -1 - slot;
      if (entry !== REMOVED) {
        const at = entry * RECORD;
        if (r[at] === words[0] && r[at + 1] === words[1] && r[at + 2] === words[2] && r[at + 3] === words[3] && (r[at + RECORD_KIND_TENANT] & 1) === prefix) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  private row(entry: number, idValue: string): UserIdRow {
    const at = entry * RECORD;
    return {
      id_value: idValue,
      id_type: this.records[at + RECORD_KIND_TENANT] & 2 ? 'union_id' : 'open_id',
      tenant_key: this.texts.texts[tenantOfKindTenant(this.records[at + RECORD_KIND_TENANT])],
      user_id: this.userIds[entry]!,
      owner: this.texts.texts[this.records[at + OWNER]],
    };
  }

  get(key: readonly string[]): UserIdRow | undefined {
    return this.lookup(key[0]);
  }

  lookup(idValue: string): UserIdRow | undefined {
    if (!hashWords(idValue, this.probe)) return this.other.get(idValue);
    const slot = this.slotOf(this.probe, idValue.charCodeAt(1) === 110 ? 1 : 0);
    return slot < 0 ? undefined : this.row(this.slots[slot], idValue);
  }

  /**
   * What batch requests ask of an ID, without making its row: the user_id it names when it is of
   * `idType`, in `tenantKey` and owned by `owner`; null when it is of `idType` in another tenant
   * (the whole request is refused); undefined when it names nobody here.
   */
  userOf(idValue: string, idType: UserIdRow['id_type'], tenantKey: string, owner: string): string | null | undefined {
    const entry = this.entryOf(idValue, idType, tenantKey, owner);
    return entry >= 0 ? this.userIds[entry] : entry === ANOTHER_TENANT ? null : entry === NOT_COMPACT ? this.otherUserOf(idValue, idType, tenantKey, owner) : undefined;
  }

  /** userOf's answer as the user's slot in `users` (the tenant's users), the slot remembered per entry. */
  userSlotOf(idValue: string, idType: UserIdRow['id_type'], users: TenantUsers, owner: string): number | null | undefined {
    const entry = this.entryOf(idValue, idType, users.tenantKey, owner);
    if (entry < 0) {
      if (entry === ANOTHER_TENANT) return null;
      const userId = entry === NOT_COMPACT ? this.otherUserOf(idValue, idType, users.tenantKey, owner) : undefined;
      return typeof userId === 'string' ? users.slotOf(userId) : userId;
    }
    const userId = this.userIds[entry]!;
    const hint = entry * RECORD + USER_SLOT;
    const known = this.records[hint] - 1;
    if (known >= 0 && users.userIdAt(known) === userId) return known;
    const slot = users.slotOf(userId);
    this.records[hint] = slot === undefined ? 0 : slot + 1;
    return slot;
  }

  /** userOf for an ID that is not a compact entry. */
  private otherUserOf(idValue: string, idType: UserIdRow['id_type'], tenantKey: string, owner: string): string | null | undefined {
    const row = this.other.get(idValue);
    if (!row || row.id_type !== idType) return undefined;
    if (row.tenant_key !== tenantKey) return null;
    return row.owner === owner ? row.user_id : undefined;
  }

  /** The compact entry naming a user for userOf, or NOBODY, ANOTHER_TENANT or NOT_COMPACT. */
  private entryOf(idValue: string, idType: UserIdRow['id_type'], tenantKey: string, owner: string): number {
    if (!hashWords(idValue, this.probe)) return NOT_COMPACT;
    const slot = this.slotOf(this.probe, idValue.charCodeAt(1) === 110 ? 1 : 0);
    if (slot < 0) return NOBODY;
    const entry = this.slots[slot];
    const at = entry * RECORD;
    const kindTenant = this.records[at + RECORD_KIND_TENANT];
    if (((kindTenant & 2) === 2) !== (idType === 'union_id')) return NOBODY;
    if (this.texts.texts[tenantOfKindTenant(kindTenant)] !== tenantKey) return ANOTHER_TENANT;
    return this.texts.texts[this.records[at + OWNER]] === owner ? entry : NOBODY;
  }

  put(row: UserIdRow): UserIdRow | undefined {
    const words = this.probe;
    if (!hashWords(row.id_value, words)) {
      const previous = this.other.get(row.id_value);
      this.other.set(row.id_value, row);
      return previous;
    }
    const prefix = row.id_value.charCodeAt(1) === 110 ? 1 : 0;
    const slot = this.slotOf(words, prefix);
    let previous: UserIdRow | undefined;
    let entry: number;
    if (slot >= 0) {
      entry = this.slots[slot];
      previous = this.row(entry, row.id_value);
    } else {
      entry = this.free.pop() ?? this.entries++;
      this.ensureEntries();
      this.records.set(words, entry * RECORD);
      this.slots[-1 - slot] = entry;
    }
    const at = entry * RECORD;
    this.records[at + RECORD_KIND_TENANT] = ((this.texts.number(row.tenant_key) << 2) | prefix | (row.id_type === 'union_id' ? 2 : 0)) >>> 0;
    this.records[at + OWNER] = this.texts.number(row.owner);
    this.records[at + USER_SLOT] = 0;
    this.userIds[entry] = this.sharedUserId(row.tenant_key, row.user_id);
    if (previous === undefined) this.growIndex();
    return previous;
  }

  remove(key: readonly string[]): void {
    const words = this.probe;
    if (!hashWords(key[0], words)) {
      this.other.delete(key[0]);
      return;
    }
    const slot = this.slotOf(words, key[0].charCodeAt(1) === 110 ? 1 : 0);
    if (slot < 0) return;
    const entry = this.slots[slot];
    this.slots[slot] = REMOVED;
    this.removedSlots++;
    this.userIds[entry] = undefined;
    this.free.push(entry);
  }

  *rows(): Iterable<UserIdRow> {
    const r = this.records;
    for (let entry = 0; entry < this.entries; entry++) {
      if (this.userIds[entry] === undefined) continue;
      const at = entry * RECORD;
      const digits = hexOf(r[at]) + hexOf(r[at + 1]) + hexOf(r[at + 2]) + hexOf(r[at + 3]);
      yield this.row(entry, (r[at + RECORD_KIND_TENANT] & 1 ? 'on_' : 'ou_') + digits);
    }
    yield* this.other.values();
  }

  /** Views of the arrays (not copies): valid until the next change. */
  image(): UserIdTableImage {
    const entries = this.entries;
    return {
      entries,
      records: this.records.subarray(0, entries * RECORD),
      slots: this.slots,
      removedSlots: this.removedSlots,
      free: this.free,
      texts: this.texts.texts,
      userIds: this.userIds,
      other: [...this.other.values()],
    };
  }

  /**
   * Takes over an image's arrays in place of an empty table: the typed ones as they are when
   * `keep` (their bytes are the table's alone), else copies (the image's bytes may be kept elsewhere).
   */
  loadImage(image: UserIdTableImage, keep = false): void {
    if (this.size !== 0) throw new Error('user_ids: an image loads into an empty table only');
    if (keep) this.records = image.records;
    else {
      const capacity = Math.max(1024, 2 ** Math.ceil(Math.log2(Math.max(1, image.entries))));
      this.records = new Uint32Array(capacity * RECORD);
      this.records.set(image.records);
    }
    this.slots = keep ? image.slots : new Int32Array(image.slots);
    this.removedSlots = image.removedSlots;
    this.entries = image.entries;
    this.free = image.free.slice();
    this.texts = new TextNumbers(image.texts);
    this.userIds = image.userIds;
    for (const row of image.other) this.other.set(row.id_value, row);
  }

  private ensureEntries() {
    if (this.entries * RECORD <= this.records.length) return;
    // An image's arrays come without room to grow, possibly empty; once they are copied, the index
    // must not keep the image's buffer alive on its own either.
    const capacity = Math.max(1024, this.entries, (this.records.length / RECORD) * 2);
    if (this.slots.buffer === this.records.buffer) this.slots = this.slots.slice();
    this.records = grownTo(this.records, capacity * RECORD);
  }

  /** Rebuilds the index once it is three quarters full, counting removed slots, which a rebuild drops. */
  private growIndex() {
    const used = this.entries - this.free.length;
    if ((used + this.removedSlots) * 4 <= this.slots.length * 3) return;
    let capacity = this.slots.length;
    while (used * 2 > capacity) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.removedSlots = 0;
    const words = new Uint32Array(4);
    const r = this.records;
    for (let entry = 0; entry < this.entries; entry++) {
      if (this.userIds[entry] === undefined) continue;
      const at = entry * RECORD;
      for (let w = 0; w < 4; w++) words[w] = r[at + w];
      this.slots[-1 - this.slotOf(words, r[at + RECORD_KIND_TENANT] & 1)] = entry;
    }
  }
}

type ContactUserRow = { app_id: string; user_id: string };

/**
 * One app's contact scope: its tenant's users as one byte per slot, and user_ids that named no
 * user when written (the table has no foreign key to users) as text beside.
 */
export class AppContactScope {
  bits = new Uint8Array(0);
  strays: Set<string> | undefined = undefined;
  size = 0;

  constructor(readonly tenantKey: string | undefined) {}

  /** Whether the user in `slot` (of the app's tenant), whose user_id is `userId`, is in the scope. */
  has(slot: number, userId: string): boolean {
    return this.bits[slot] === 1 || (this.strays?.has(userId) ?? false);
  }

  setBit(slot: number): void {
    if (slot >= this.bits.length) this.bits = grownTo(this.bits, Math.max(slot + 1, this.bits.length * 2, 64));
    this.bits[slot] = 1;
  }
}

/**
 * `app_contact_users`: per app an AppContactScope. At 1M users a Set of user_ids per app held 28 MiB
 * and took half a second of a start to build; a byte per slot is 1 MiB.
 */
export class ContactUsersTable implements TableState<ContactUserRow> {
  readonly codec = contactUsersCodec;
  readonly index = tableNumber(contactUsersCodec);
  private readonly byApp = new Map<string, AppContactScope>();
  /** The scopes holding a byte per slot, by their tenant: a user who leaves looks only at these. */
  private readonly byTenant = new Map<string, Set<AppContactScope>>();

  constructor(
    private readonly users: UsersTable,
    /** The app's tenant, if the app is stored. */
    private readonly tenantOf: (appId: string) => string | undefined,
  ) {}

  key(row: ContactUserRow) {
    return [row.app_id, row.user_id];
  }

  private add(appId: string, scope: AppContactScope): AppContactScope {
    this.byApp.set(appId, scope);
    if (scope.tenantKey !== undefined) {
      let ofTenant = this.byTenant.get(scope.tenantKey);
      if (!ofTenant) this.byTenant.set(scope.tenantKey, (ofTenant = new Set()));
      ofTenant.add(scope);
    }
    return scope;
  }

  /** The app's scope, or undefined when it holds nobody. */
  scope(appId: string): AppContactScope | undefined {
    return this.byApp.get(appId);
  }

  private slotIn(scope: AppContactScope, userId: string): number | undefined {
    return scope.tenantKey === undefined ? undefined : this.users.of(scope.tenantKey)?.slotOf(userId);
  }

  has(appId: string, userId: string): boolean {
    const scope = this.byApp.get(appId);
    if (!scope) return false;
    const slot = this.slotIn(scope, userId);
    return slot !== undefined ? scope.has(slot, userId) : (scope.strays?.has(userId) ?? false);
  }

  get(key: readonly string[]) {
    return this.has(key[0], key[1]) ? { app_id: key[0], user_id: key[1] } : undefined;
  }

  put(row: ContactUserRow) {
    if (this.has(row.app_id, row.user_id)) return { app_id: row.app_id, user_id: row.user_id };
    const scope = this.byApp.get(row.app_id) ?? this.add(row.app_id, new AppContactScope(this.tenantOf(row.app_id)));
    const slot = this.slotIn(scope, row.user_id);
    if (slot !== undefined) scope.setBit(slot);
    else (scope.strays ??= new Set()).add(row.user_id);
    scope.size++;
    return undefined;
  }

  remove(key: readonly string[]) {
    const scope = this.byApp.get(key[0]);
    if (!scope) return;
    const slot = this.slotIn(scope, key[1]);
    if (slot !== undefined && scope.bits[slot] === 1) scope.bits[slot] = 0;
    else if (!scope.strays?.delete(key[1])) return;
    if (--scope.size > 0) return;
    this.byApp.delete(key[0]);
    const ofTenant = scope.tenantKey === undefined ? undefined : this.byTenant.get(scope.tenantKey);
    if (ofTenant?.delete(scope) && ofTenant.size === 0) this.byTenant.delete(scope.tenantKey!);
  }

  /**
   * A user is leaving the users table: a scope row naming them stays, as text (the database keeps
   * such rows too), so the slot can go to another user.
   */
  userRemoved(tenantKey: string, slot: number, userId: string): void {
    for (const scope of this.byTenant.get(tenantKey) ?? []) {
      if (scope.bits[slot] !== 1) continue;
      scope.bits[slot] = 0;
      (scope.strays ??= new Set()).add(userId);
    }
  }

  /** The user_ids in the app's scope. */
  *seconds(appId: string): Iterable<string> {
    const scope = this.byApp.get(appId);
    if (!scope) return;
    const users = scope.tenantKey === undefined ? undefined : this.users.of(scope.tenantKey);
    if (users) for (let slot = 0; slot < scope.bits.length; slot++) if (scope.bits[slot] === 1) yield users.userId(slot);
    if (scope.strays) yield* scope.strays;
  }

  *rows(): Iterable<ContactUserRow> {
    for (const appId of this.byApp.keys()) for (const user_id of this.seconds(appId)) yield { app_id: appId, user_id };
  }

  /** Each app with the user_ids in its scope (memory/state-image.ts). */
  *groups(): Iterable<[string, string[]]> {
    for (const appId of this.byApp.keys()) yield [appId, [...this.seconds(appId)]];
  }

  /**
   * One app's scope at once, into an empty table (an image's load): the users in its tenant by
   * slot, and user_ids that named no user when written.
   */
  loadGroup(appId: string, slots: ArrayLike<number>, strays: readonly string[]): void {
    if (this.byApp.has(appId)) throw new Error(`${this.codec.name}: ${appId} loaded twice`);
    const scope = new AppContactScope(this.tenantOf(appId));
    const users = scope.tenantKey === undefined ? undefined : this.users.of(scope.tenantKey);
    if (users) scope.bits = new Uint8Array(users.slotCount);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (users?.userIdAt(slot) === undefined) throw new Error(`${this.codec.name}: ${appId} names a slot that holds no user`);
      if (scope.bits[slot] === 1) continue;
      scope.bits[slot] = 1;
      scope.size++;
    }
    for (const userId of strays) {
      const slot = users?.slotOf(userId);
      if (slot === undefined ? scope.strays?.has(userId) : scope.bits[slot] === 1) continue;
      if (slot === undefined) (scope.strays ??= new Set()).add(userId);
      else scope.bits[slot] = 1;
      scope.size++;
    }
    if (scope.size > 0) this.add(appId, scope);
  }
}

/**
 * A column of texts as one string and where each starts, cut on demand: the names of 1M users as
 * strings were 1M objects (~30 MiB) that a start built and collected, and most are never read.
 */
export class JoinedTexts {
  constructor(
    private readonly text: string,
    /** starts[i]: where text i begins; each ends one unit before the next begins. */
    private readonly starts: Int32Array,
    private readonly first = 0,
  ) {}

  /** Texts joined by a separator no text holds. */
  static of(text: string, separator: string): JoinedTexts {
    const starts: number[] = [0];
    for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) starts.push(at + 1);
    starts.push(text.length + 1);
    return new JoinedTexts(text, Int32Array.from(starts));
  }

  /**
   * Texts joined by a one-byte separator, as UTF-8: cut by scanning the bytes when all are ASCII
   * (1M names in ~15 ms instead of ~110 ms of indexOf), else as of() does.
   */
  static ofUtf8(bytes: Uint8Array, separator: number): JoinedTexts {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    let count = 1;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === separator) count++;
      else if (byte >= 0x80) return JoinedTexts.of(buffer.toString('utf8'), String.fromCharCode(separator));
    }
    const starts = new Int32Array(count + 1);
    for (let i = 0, next = 1; i < bytes.length; i++) if (bytes[i] === separator) starts[next++] = i + 1;
    starts[count] = bytes.length + 1;
    // ASCII reads the same as Latin-1, which needs no UTF-8 decoding.
    return new JoinedTexts(buffer.toString('latin1'), starts);
  }

  get length(): number {
    return this.starts.length - 1 - this.first;
  }

  at(index: number): string {
    const i = this.first + index;
    return this.text.slice(this.starts[i], this.starts[i + 1] - 1);
  }

  /** The same texts from `index` on, sharing the string. */
  from(index: number): JoinedTexts {
    return new JoinedTexts(this.text, this.starts, this.first + index);
  }
}

/** FNV-1a over the UTF-16 units, then mixed (murmur3's finaliser): user_ids are often sequential. */
function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  // Signed, as the index (an Int32Array) keeps it.
  return hash ^ (hash >>> 16);
}

/**
 * One tenant's users as numbered slots, each column an array, found through an open-addressing
 * index of slot numbers: at 1M users, one row object each (with a boxed created_at) in a Map held
 * 165 MiB, two thirds of the heap, and building the Map alone took about a second of a start.
 */
export class TenantUsers {
  /** Per slot; undefined for a free slot. */
  private ids: (string | undefined)[] = [];
  /** Names set since the load; a loaded user's is cut from loadedNames while this has none. */
  private names: (string | undefined)[] = [];
  private loadedNames: JoinedTexts | undefined;
  private createdAt = new Float64Array(64);
  private resignedFlags = new Uint8Array(64);
  private readonly free: number[] = [];
  /**
   * Pairs of (slot, hash of its user_id) by hash, the slot EMPTY or REMOVED where none: a probe
   * compares hashes beside each other and reads one user_id string, not one per collision.
   */
  private index = new Int32Array(256).fill(EMPTY);
  private removedInIndex = 0;
  private count = 0;
  /** The user_ids in order, made on demand: listing pages stays cheap between changes. */
  private sorted: string[] | undefined;

  constructor(readonly tenantKey: string) {}

  get size(): number {
    return this.count;
  }

  /** Slots in use or free: every slot is below it. */
  get slotCount(): number {
    return this.ids.length;
  }

  /** Where the user_id's slot is in the index, or -1 - where it would go. */
  private find(userId: string, hash = textHash(userId)): number {
    const index = this.index;
    const mask = (index.length >>> 1) - 1;
    let at = hash & mask;
    let vacant = -1;
    for (;;) {
      const slot = index[2 * at];
      if (slot === EMPTY) return -1 - (vacant < 0 ? at : vacant);
      if (slot === REMOVED) {
        if (vacant < 0) vacant = at;
      } else if (index[2 * at + 1] === hash && this.ids[slot] === userId) return at;
      at = (at + 1) & mask;
    }
  }

  /** Stores a slot at a place find() gave. */
  private place(at: number, slot: number, hash: number) {
    this.index[2 * at] = slot;
    this.index[2 * at + 1] = hash;
  }

  slotOf(userId: string): number | undefined {
    const at = this.find(userId);
    return at < 0 ? undefined : this.index[2 * at];
  }

  /** The table's own copy of the user_id: rows that name the user share it. */
  userId(slot: number): string {
    return this.ids[slot]!;
  }

  /** The user_id in a slot, or undefined for a free slot or one past the end. */
  userIdAt(slot: number): string | undefined {
    return this.ids[slot];
  }

  resigned(slot: number): boolean {
    return this.resignedFlags[slot] === 1;
  }

  row(slot: number): UserRecord {
    return { tenant_key: this.tenantKey, user_id: this.ids[slot]!, name: this.names[slot] ?? this.loadedNames!.at(slot), resigned: this.resignedFlags[slot] === 1, created_at: this.createdAt[slot] };
  }

  get(userId: string): UserRecord | undefined {
    const slot = this.slotOf(userId);
    return slot === undefined ? undefined : this.row(slot);
  }

  /** Stores the row and returns the one it replaced. */
  put(row: UserRecord): UserRecord | undefined {
    const hash = textHash(row.user_id);
    const at = this.find(row.user_id, hash);
    let slot: number;
    let previous: UserRecord | undefined;
    if (at >= 0) {
      slot = this.index[2 * at];
      previous = this.row(slot);
    } else {
      slot = this.free.pop() ?? this.ids.length;
      this.ensure(slot);
      this.ids[slot] = row.user_id;
      if (this.index[2 * (-1 - at)] === REMOVED) this.removedInIndex--;
      this.place(-1 - at, slot, hash);
      this.count++;
      this.sorted = undefined;
    }
    this.names[slot] = row.name;
    this.resignedFlags[slot] = row.resigned ? 1 : 0;
    this.createdAt[slot] = row.created_at;
    if (previous === undefined) this.growIndex();
    return previous;
  }

  /** Removes the user and answers the slot they had. */
  remove(userId: string): number | undefined {
    const at = this.find(userId);
    if (at < 0) return undefined;
    const slot = this.index[2 * at];
    this.index[2 * at] = REMOVED;
    this.removedInIndex++;
    this.ids[slot] = undefined;
    this.names[slot] = '';
    this.free.push(slot);
    this.count--;
    this.sorted = undefined;
    return slot;
  }

  /** The user_ids, in slot order. */
  *userIds(): Iterable<string> {
    for (const userId of this.ids) if (userId !== undefined) yield userId;
  }

  *rows(): Iterable<UserRecord> {
    for (let slot = 0; slot < this.ids.length; slot++) if (this.ids[slot] !== undefined) yield this.row(slot);
  }

  /** user_ids after `after` (all when undefined), in order. */
  page(after: string | undefined, limit: number): string[] {
    const sorted = (this.sorted ??= [...this.userIds()].sort(compareText));
    let start = 0;
    if (after !== undefined) {
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (compareText(sorted[middle], after) <= 0) low = middle + 1;
        else high = middle;
      }
      start = low;
    }
    return sorted.slice(start, start + limit);
  }

  /** Rows `start` to `end` of an image's columns at once, into a tenant with no users yet. */
  load(userIds: readonly string[], names: JoinedTexts | IndexedValues, resigned: IndexedValues, createdAt: IndexedValues, start: number, end: number): void {
    if (this.ids.length > 0) throw new Error(`users: ${this.tenantKey} loaded twice`);
    this.ensure(end - start - 1);
    this.rebuildIndex(end - start);
    this.ids = userIds.slice(start, end);
    if (names instanceof JoinedTexts) {
      this.loadedNames = names.from(start);
      this.names = new Array(end - start);
    } else this.names = Array.from({ length: end - start }, (_, slot) => String(names.at(start + slot)));
    for (let at = start, slot = 0; at < end; at++, slot++) {
      const userId = userIds[at];
      const hash = textHash(userId);
      const place = this.find(userId, hash);
      if (place >= 0) throw new Error(`users: ${userId} loaded twice`);
      this.place(-1 - place, slot, hash);
      this.resignedFlags[slot] = resigned.at(at) === 1 ? 1 : 0;
      this.createdAt[slot] = Number(createdAt.at(at));
    }
    this.count = end - start;
  }

  private ensure(slot: number) {
    if (slot < this.resignedFlags.length) return;
    const capacity = Math.max(slot + 1, this.resignedFlags.length * 2);
    this.createdAt = grownTo(this.createdAt, capacity);
    this.resignedFlags = grownTo(this.resignedFlags, capacity);
  }

  /** Rebuilds the index once it is three quarters full, counting removed places, which a rebuild drops. */
  private growIndex() {
    if ((this.count + this.removedInIndex) * 8 > this.index.length * 3) this.rebuildIndex(this.count);
  }

  /** A new index for `users` users (at most half full), with the slots in use. */
  private rebuildIndex(users: number) {
    let capacity = 128;
    while (users * 2 > capacity) capacity *= 2;
    this.index = new Int32Array(2 * capacity).fill(EMPTY);
    this.removedInIndex = 0;
    for (let slot = 0; slot < this.ids.length; slot++) {
      const userId = this.ids[slot];
      if (userId === undefined) continue;
      const hash = textHash(userId);
      this.place(-1 - this.find(userId, hash), slot, hash);
    }
  }
}

/** `users`: a TenantUsers per tenant. */
export class UsersTable implements TableState<UserRecord> {
  readonly codec = usersCodec;
  readonly index = tableNumber(usersCodec);
  private readonly byTenant = new Map<string, TenantUsers>();

  /** Told of a user's slot when they leave, before it can go to another user. */
  constructor(private readonly onRemove?: (tenantKey: string, slot: number, userId: string) => void) {}

  key(row: UserRecord) {
    return [row.tenant_key, row.user_id];
  }

  of(tenantKey: string): TenantUsers | undefined {
    return this.byTenant.get(tenantKey);
  }

  get(key: readonly string[]): UserRecord | undefined {
    return this.byTenant.get(key[0])?.get(key[1]);
  }

  has(tenantKey: string, userId: string): boolean {
    return this.byTenant.get(tenantKey)?.slotOf(userId) !== undefined;
  }

  put(row: UserRecord): UserRecord | undefined {
    let users = this.byTenant.get(row.tenant_key);
    if (!users) this.byTenant.set(row.tenant_key, (users = new TenantUsers(row.tenant_key)));
    return users.put(row);
  }

  remove(key: readonly string[]): void {
    const users = this.byTenant.get(key[0]);
    const slot = users?.remove(key[1]);
    if (slot === undefined) return;
    this.onRemove?.(key[0], slot, key[1]);
    if (users!.size === 0) this.byTenant.delete(key[0]);
  }

  *rows(): Iterable<UserRecord> {
    for (const users of this.byTenant.values()) yield* users.rows();
  }

  /** A tenant's users from an image's columns (rows `start` to `end`), into a table that has none of them. */
  load(tenantKey: string, userIds: readonly string[], names: JoinedTexts | IndexedValues, resigned: IndexedValues, createdAt: IndexedValues, start: number, end: number): void {
    if (this.byTenant.has(tenantKey)) throw new Error(`users: ${tenantKey} loaded twice`);
    const users = new TenantUsers(tenantKey);
    users.load(userIds, names, resigned, createdAt, start, end);
    this.byTenant.set(tenantKey, users);
  }
}
