// A binary image of the whole MemoryState, so that a start does not step through millions of
// SQLite rows (about 1 µs each into JS) nor build them one object at a time: tables are written
// column by column (typed arrays for numbers, small dictionaries for repeated values, one JSON
// text per text column, which V8 parses far faster than rows arrive from a driver), and the two
// compact tables write their typed arrays as they are. The rows that name a user refer to the
// users table's row by number, so a load shares the users' own strings as a load from the tables
// does. engines/sqlite/state-image-file.ts decides when an image may be trusted.
import { endianness } from 'node:os';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { type IndexedValues, JoinedTexts, RECORD, RECORD_KIND_TENANT, recordsOf, tenantOfKindTenant, type UserIdTableImage } from './compact-tables.js';
import { MemoryState, OPEN_STRIDE } from './state.js';
import { CODECS, contactUsersCodec, type OpenRow, opensCodec, tableNumber, type TableCodec, type UserIdRow, usersCodec, userIdsCodec } from './tables.js';

/** Bumped whenever the encoding or what a table keeps changes: an image of another version is never read, */
export const IMAGE_VERSION = 3;
/** except version 2's, which kept the user_ids records' words in four arrays (an upgrade's first start reads it). */
const VERSION_2 = 2;
const readable = (version: number) => version === IMAGE_VERSION || version === VERSION_2;
const MAGIC = Buffer.from('SYSSTIMG', 'latin1');
/** Magic, version, header length, checksum, reserved: then the header (JSON) and the body, both 8-byte aligned. */
const PREAMBLE = 24;
/** A column with at most this many distinct values is a dictionary and small indices. */
const DICTIONARY_LIMIT = 4096;

export class ImageError extends Error {}

type Column =
  | { kind: 'dict'; values: unknown[]; width: 1 | 2 | 4; segment: number }
  | { kind: 'f64'; segment: number }
  /** Strings without the separator, joined by it: splitting is about twice as fast as JSON.parse. */
  | { kind: 'text'; segment: number }
  | { kind: 'json'; segment: number };

const SEPARATOR = '\u0001';

interface RowsImage {
  rows: number;
  columns: Column[];
}

interface Header {
  version: number;
  id: string;
  endianness: string;
  /** Every table's name and columns: an image of another schema is refused even if the version was not bumped. */
  schema: string;
  body: number;
  segments: [offset: number, length: number][];
  tables: {
    /** Every table but the two compact ones, by table number. */
    rows: (RowsImage | null)[];
    /** Per open (opens are written in the users' order), its user's number, -1 for a user_id naming no user. */
    openUsers: number;
    userIds: {
      entries: number;
      removedSlots: number;
      texts: string[];
      records: number;
      /** Version 2: the records' words, kind, tenant and owner, each an array. */
      words?: number;
      kinds?: number;
      tenants?: number;
      owners?: number;
      slots: number;
      free: number;
      users: number;
      unresolved: number;
      other: RowsImage;
    };
    contactUsers: { firsts: string[]; counts: number; users: number; unresolved: number };
  };
}

const SCHEMA = JSON.stringify(CODECS.map((codec) => [codec.name, codec.columns, codec.keyColumns]));
const USERS = tableNumber(usersCodec);
const USER_IDS = tableNumber(userIdsCodec);
const CONTACT_USERS = tableNumber(contactUsersCodec);
const OPENS = tableNumber(opensCodec);
const OPEN_USER_ID = opensCodec.columns.indexOf('user_id');

/** A column's value of each row, read where it lies (a dictionary's by its index). */
interface ColumnValues extends IndexedValues {
  readonly length: number;
}

class Segments {
  readonly parts: Uint8Array[] = [];
  readonly list: [number, number][] = [];
  length = 0;

  add(data: ArrayBufferView): number {
    const pad = (8 - (this.length % 8)) % 8;
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.length += pad;
    }
    this.list.push([this.length, data.byteLength]);
    this.parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.length += data.byteLength;
    return this.list.length - 1;
  }

  json(value: unknown): number {
    return this.add(Buffer.from(JSON.stringify(value)));
  }
}

/**
 * A user's number in the users table's order. Rows that name users were mostly written user by
 * user (a user's IDs together, an app's IDs in the users' order), so the next look-up is nearly
 * always the same or the next user; the map by tenant and user_id is built only on a miss.
 */
class UserNumbers {
  private cursor = 0;
  private index: Map<string, Map<string, number>> | undefined;
  constructor(
    private readonly tenants: readonly string[],
    private readonly users: readonly string[],
  ) {}

  find(tenant: string | undefined, user: string): number {
    if (tenant === undefined) return -1;
    const { users, tenants } = this;
    for (let at = this.cursor; at < this.cursor + 4 && at < users.length; at++) {
      if (users[at] === user && tenants[at] === tenant) return (this.cursor = at);
    }
    if (users[0] === user && tenants[0] === tenant) return (this.cursor = 0);
    if (!this.index) {
      this.index = new Map();
      for (let at = 0; at < users.length; at++) {
        let ofTenant = this.index.get(tenants[at]);
        if (!ofTenant) this.index.set(tenants[at], (ofTenant = new Map()));
        ofTenant.set(users[at], at);
      }
    }
    const found = this.index.get(tenant)?.get(user);
    if (found === undefined) return -1;
    return (this.cursor = found);
  }
}

/**
 * Every open, a user's together and in the users' order, with its user's number (-1: a user_id
 * naming no user, last): a load then gives each user's opens at once the users table's own string.
 */
function opensInUserOrder(state: MemoryState, tenants: readonly string[], users: readonly string[]) {
  const rows: OpenRow[] = [];
  const numbers: number[] = [];
  for (let user = 0; user < users.length; user++) {
    if (!state.opens.entries(tenants[user], users[user])) continue;
    for (const row of state.opens.of(tenants[user], users[user])) {
      rows.push(row);
      numbers.push(user);
    }
  }
  let total = 0;
  for (const ofTenant of state.opens.byTenant.values()) for (const entries of ofTenant.values()) total += entries.length / OPEN_STRIDE;
  if (rows.length !== total) {
    for (const row of state.opens.rows()) {
      if (state.users.has(row.tenant_key, row.user_id)) continue;
      rows.push(row);
      numbers.push(-1);
    }
  }
  return { rows, users: numbers };
}

/**
 * The user_ids entries without the free ones and in the order of the users they name (IDs naming
 * no user last), the index renumbered to match: the next image of the decoded table then finds
 * every user where UserNumbers looks first, however the table was filled (a load from the tables
 * fills it in id_value order, which is random).
 */
function userIdEntries(ids: UserIdTableImage, numbers: UserNumbers) {
  const userOf = new Int32Array(ids.entries);
  let users = 0;
  let live = 0;
  for (let entry = 0; entry < ids.entries; entry++) {
    const userId = ids.userIds[entry];
    if (userId === undefined) userOf[entry] = -2;
    else {
      live++;
      userOf[entry] = numbers.find(ids.texts[tenantOfKindTenant(ids.records[entry * RECORD + RECORD_KIND_TENANT])], userId);
      users = Math.max(users, userOf[entry] + 1);
    }
  }
  // A counting sort by user: starts[u] is where user u's entries begin; unresolved ones go last.
  const starts = new Uint32Array(users + 2);
  for (let entry = 0; entry < ids.entries; entry++) if (userOf[entry] !== -2) starts[(userOf[entry] === -1 ? users : userOf[entry]) + 1]++;
  for (let u = 1; u < starts.length; u++) starts[u] += starts[u - 1];
  const renumbered = new Int32Array(ids.entries).fill(-1);
  const records = new Uint32Array(live * RECORD);
  const userNumbers = new Int32Array(live);
  const unresolved: string[] = [];
  const firstUnresolved = starts[users];
  for (let entry = 0; entry < ids.entries; entry++) {
    const user = userOf[entry];
    if (user === -2) continue;
    const to = starts[user === -1 ? users : user]++;
    renumbered[entry] = to;
    // The last word, the user's slot remembered, is left 0: slots are the loading table's own.
    for (let w = 0; w < RECORD - 1; w++) records[to * RECORD + w] = ids.records[entry * RECORD + w];
    userNumbers[to] = user;
    if (user === -1) unresolved[to - firstUnresolved] = ids.userIds[entry]!;
  }
  const slots = new Int32Array(ids.slots.length);
  for (let slot = 0; slot < slots.length; slot++) slots[slot] = ids.slots[slot] >= 0 ? renumbered[ids.slots[slot]] : ids.slots[slot];
  return { entries: live, removedSlots: ids.removedSlots, texts: ids.texts, records, slots, free: [] as number[], users: userNumbers, unresolved, other: ids.other };
}

function encodeColumn(values: unknown[], segments: Segments): Column {
  const distinct = new Map<unknown, number>();
  // Columns come in runs of one value (a tenant's rows, a seed's timestamps): a run costs no look-up.
  let last: unknown = Symbol('none');
  for (const value of values) {
    if (value === last || distinct.has(value)) {
      last = value;
      continue;
    }
    if (distinct.size === DICTIONARY_LIMIT) break;
    distinct.set(value, distinct.size);
    last = value;
  }
  if (distinct.size < DICTIONARY_LIMIT && [...distinct.keys()].every((value) => value === null || typeof value === 'string' || Number.isFinite(value))) {
    const width = distinct.size <= 256 ? 1 : distinct.size <= 65_536 ? 2 : 4;
    const indices = width === 1 ? new Uint8Array(values.length) : width === 2 ? new Uint16Array(values.length) : new Uint32Array(values.length);
    let index = 0;
    last = Symbol('none');
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== last) index = distinct.get((last = values[i]))!;
      indices[i] = index;
    }
    return { kind: 'dict', values: [...distinct.keys()], width, segment: segments.add(indices) };
  }
  if (values.every((value) => typeof value === 'number')) return { kind: 'f64', segment: segments.add(Float64Array.from(values as number[])) };
  if (values.length > 0 && values.every((value) => typeof value === 'string' && !value.includes(SEPARATOR))) {
    return { kind: 'text', segment: segments.add(Buffer.from(values.join(SEPARATOR))) };
  }
  return { kind: 'json', segment: segments.json(values) };
}

function encodeRows<R>(rows: Iterable<R>, codec: TableCodec<R>, segments: Segments): RowsImage {
  const columns = codec.columns.map(() => [] as unknown[]);
  let count = 0;
  for (const row of rows) {
    const values = codec.toSql(row);
    for (let c = 0; c < columns.length; c++) columns[c].push(values[c]);
    count++;
  }
  return { rows: count, columns: columns.map((values) => encodeColumn(values, segments)) };
}

/** The state's image: the same state comes back from decodeState, whatever it holds. */
export function encodeState(state: MemoryState, id: string): Buffer {
  if (endianness() !== 'LE') throw new ImageError('state images are written on little-endian machines only');
  const segments = new Segments();
  const rows: (RowsImage | null)[] = [];
  // Users first: their order numbers the users that other rows refer to. Columns straight from the
  // rows: this is the largest table of objects.
  const userColumns = usersCodec.columns.map(() => [] as unknown[]);
  for (const user of state.users.rows()) {
    userColumns[0].push(user.tenant_key);
    userColumns[1].push(user.user_id);
    userColumns[2].push(user.name);
    userColumns[3].push(user.resigned ? 1 : 0);
    userColumns[4].push(user.created_at);
  }
  const numbers = new UserNumbers(userColumns[0] as string[], userColumns[1] as string[]);
  const opens = opensInUserOrder(state, userColumns[0] as string[], userColumns[1] as string[]);
  state.tables.forEach((table, index) => {
    if (index === USERS) rows.push({ rows: userColumns[1].length, columns: userColumns.map((values) => encodeColumn(values, segments)) });
    else if (index === USER_IDS || index === CONTACT_USERS) rows.push(null);
    else if (index === OPENS) rows.push(encodeRows(opens.rows, opensCodec, segments));
    else rows.push(encodeRows(table.rows(), table.codec as TableCodec<unknown>, segments));
  });

  const ids = userIdEntries(state.userIds.image(), numbers);

  const firsts: string[] = [];
  const counts: number[] = [];
  const contactUsers: number[] = [];
  const contactUnresolved: string[] = [];
  for (const [appId, users] of state.contactUsers.groups()) {
    firsts.push(appId);
    counts.push(users.length);
    const tenant = state.apps.map.lookup(appId)?.tenant_key;
    for (const user of users) {
      const found = numbers.find(tenant, user);
      contactUsers.push(found);
      if (found < 0) contactUnresolved.push(user);
    }
  }

  const tables: Header['tables'] = {
    rows,
    openUsers: segments.add(Int32Array.from(opens.users)),
    userIds: {
      entries: ids.entries,
      removedSlots: ids.removedSlots,
      texts: ids.texts,
      // Records, then the index: the two parts a file's load reads into a buffer of their own.
      records: segments.add(ids.records),
      slots: segments.add(ids.slots),
      free: segments.add(Uint32Array.from(ids.free)),
      users: segments.add(ids.users),
      unresolved: segments.json(ids.unresolved),
      other: encodeRows(ids.other, userIdsCodec, segments),
    },
    contactUsers: {
      firsts,
      counts: segments.add(Uint32Array.from(counts)),
      users: segments.add(Int32Array.from(contactUsers)),
      unresolved: segments.json(contactUnresolved),
    },
  };
  const header: Header = { version: IMAGE_VERSION, id, endianness: 'LE', schema: SCHEMA, body: segments.length, segments: segments.list, tables };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const headerLength = Math.ceil(headerBytes.length / 8) * 8;
  const out = Buffer.allocUnsafe(PREAMBLE + headerLength + segments.length);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(IMAGE_VERSION, 8);
  out.writeUInt32LE(headerLength, 12);
  out.writeUInt32LE(0, 20);
  out.fill(0x20, PREAMBLE + headerBytes.length, PREAMBLE + headerLength);
  headerBytes.copy(out, PREAMBLE);
  let at = PREAMBLE + headerLength;
  for (const part of segments.parts) {
    out.set(part, at);
    at += part.length;
  }
  out.writeUInt32LE(crc32(out.subarray(PREAMBLE)), 16);
  return out;
}

/** The id an image carries, or undefined when the bytes are not an image of this version. */
export function imageId(bytes: Buffer): string | undefined {
  try {
    return readHeader(bytes, false).id;
  } catch {
    return undefined;
  }
}

/** The header length and checksum of an image's first PREAMBLE bytes. */
function readPreamble(bytes: Buffer): { headerLength: number; checksum: number } {
  if (bytes.length < PREAMBLE || !bytes.subarray(0, 8).equals(MAGIC)) throw new ImageError('not a state image');
  if (!readable(bytes.readUInt32LE(8))) throw new ImageError(`state image version ${bytes.readUInt32LE(8)}, not ${IMAGE_VERSION}`);
  return { headerLength: bytes.readUInt32LE(12), checksum: bytes.readUInt32LE(16) };
}

/** The header, checked against the image's length (and, with `check`, against this version and schema). */
function parseHeader(text: string, bodyLength: number, check: boolean): Header {
  let header: Header;
  try {
    header = JSON.parse(text) as Header;
  } catch {
    throw new ImageError('state image corrupt (header)');
  }
  if (header.body !== bodyLength) throw new ImageError('state image truncated or too long');
  if (check && (!readable(header.version) || header.endianness !== endianness() || header.schema !== SCHEMA)) throw new ImageError('state image of another version or schema');
  return header;
}

function readHeader(bytes: Buffer, check: boolean): Header {
  const { headerLength, checksum } = readPreamble(bytes);
  if (PREAMBLE + headerLength > bytes.length) throw new ImageError('state image truncated');
  const header = parseHeader(bytes.toString('utf8', PREAMBLE, PREAMBLE + headerLength), bytes.length - PREAMBLE - headerLength, check);
  if (check && crc32(bytes.subarray(PREAMBLE)) !== checksum) throw new ImageError('state image corrupt (checksum)');
  return header;
}

/** Part of an image's body as read: bytes `start` to `end` of the body. */
interface BodyPart {
  start: number;
  end: number;
  bytes: Uint8Array;
}

/** The state an image holds; throws ImageError when the bytes are not a whole, intact image of this version with that id. */
export function decodeState(input: Buffer, id: string): MemoryState {
  // Typed arrays need their element size's alignment within the buffer.
  const bytes = input.byteOffset % 8 === 0 ? input : Buffer.from(input);
  const header = readHeader(bytes, true);
  if (header.id !== id) throw new ImageError(`state image ${header.id}, not ${id}`);
  return decodeBody(header, [{ start: 0, end: header.body, bytes: bytes.subarray(PREAMBLE + bytes.readUInt32LE(12)) }], false);
}

/**
 * decodeState of an image file, read in three parts: the user_ids table's records and index (about
 * 70 MiB at 1M users) into a buffer of their own that the table keeps as its arrays, and the rest into
 * buffers dropped after the load. Copying them out of one buffer of the whole file cost ~0.2 s of a
 * start on this VM, where touching fresh memory costs about 2.5 ms per MiB. `earlier`: the image is
 * of an earlier version (read all the same), so its next write must not be skipped.
 */
export function decodeStateFile(file: string, id: string): { state: MemoryState; earlier: boolean } {
  const fd = openSync(file, 'r');
  try {
    const readAt = (position: number, length: number) => {
      const into = Buffer.allocUnsafeSlow(length);
      for (let at = 0; at < length; ) {
        const read = readSync(fd, into, at, length - at, position + at);
        if (read === 0) throw new ImageError('state image truncated');
        at += read;
      }
      return into;
    };
    const size = fstatSync(fd).size;
    const { headerLength, checksum } = readPreamble(readAt(0, Math.min(PREAMBLE, size)));
    const base = PREAMBLE + headerLength;
    if (base > size) throw new ImageError('state image truncated');
    const headerBytes = readAt(PREAMBLE, headerLength);
    const header = parseHeader(headerBytes.toString('utf8'), size - base, true);
    if (header.id !== id) throw new ImageError(`state image ${header.id}, not ${id}`);
    const ids = header.tables.userIds;
    const from = header.segments[ids.records ?? ids.words]?.[0] ?? 0;
    // Up to the next segment's 8-byte aligned start, so that the third part's arrays are aligned too.
    const to = Math.min(header.body, Math.ceil(((header.segments[ids.slots]?.[0] ?? 0) + (header.segments[ids.slots]?.[1] ?? 0)) / 8) * 8);
    // Segments start 8-byte aligned, so each part's typed arrays are aligned in its own buffer.
    const cuts = from % 8 === 0 && from <= to ? [0, from, to, header.body] : [0, header.body];
    const parts: BodyPart[] = [];
    // The checksum covers the header and the body.
    let crc = crc32(headerBytes);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const bytes = readAt(base + cuts[i], cuts[i + 1] - cuts[i]);
      crc = crc32(bytes, crc);
      parts.push({ start: cuts[i], end: cuts[i + 1], bytes });
    }
    if (crc !== checksum) throw new ImageError('state image corrupt (checksum)');
    return { state: decodeBody(header, parts, cuts.length === 4), earlier: header.version < IMAGE_VERSION };
  } finally {
    closeSync(fd);
  }
}

/** The state of a checked image's body; with `keepIdArrays`, the user_ids table keeps its typed arrays' bytes (a part of their own) instead of copies. */
function decodeBody(header: Header, parts: readonly BodyPart[], keepIdArrays: boolean): MemoryState {
  /** A segment's bytes, in the part that holds it. */
  const view = (index: number): Uint8Array => {
    const found = header.segments[index];
    if (!found) throw new ImageError('state image: a segment out of range');
    const [offset, length] = found;
    // From the last: an empty segment at a cut belongs to the part that starts there.
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i];
      if (offset >= part.start && offset + length <= part.end) return new Uint8Array(part.bytes.buffer, part.bytes.byteOffset + offset - part.start, length);
    }
    throw new ImageError('state image: a segment out of range');
  };
  /** A segment as a typed array of `Typed`'s elements, over the same bytes. */
  const typed =
    <T>(Typed: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }) =>
    (index: number): T => {
      const bytes = view(index);
      return new Typed(bytes.buffer, bytes.byteOffset, bytes.length / Typed.BYTES_PER_ELEMENT);
    };
  const u8 = view;
  const u16 = typed(Uint16Array);
  const u32 = typed(Uint32Array);
  const i32 = typed(Int32Array);
  const text = (index: number) => {
    const bytes = view(index);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  };
  const json = <T>(index: number) => JSON.parse(text(index)) as T;
  const column = (image: Column, rows: number): ArrayLike<unknown> => {
    if (image.kind === 'f64') {
      const bytes = view(image.segment);
      if (bytes.length !== rows * 8) throw new ImageError('state image: a column of another length');
      return new Float64Array(bytes.buffer, bytes.byteOffset, rows);
    }
    if (image.kind === 'json') return json<unknown[]>(image.segment);
    if (image.kind === 'text') return text(image.segment).split(SEPARATOR);
    const indices = dictionaryIndices(image);
    const values = new Array<unknown>(rows);
    for (let i = 0; i < rows; i++) values[i] = image.values[indices[i]];
    return values;
  };
  const dictionaryIndices = (image: Column & { kind: 'dict' }) => (image.width === 1 ? u8(image.segment) : image.width === 2 ? u16(image.segment) : u32(image.segment));
  // A dictionary column read in place: no array of a value per row (200k opens have 11 columns).
  const values = (image: Column, rows: number): ColumnValues => {
    if (image.kind !== 'dict') {
      const all = column(image, rows);
      return { length: all.length, at: (row) => all[row] };
    }
    const indices = dictionaryIndices(image);
    const { values } = image;
    return { length: indices.length, at: (row) => values[indices[row]] };
  };
  /** Each row's values, in one array that `take` must not keep. */
  const eachRow = (image: RowsImage, width: number, take: (values: unknown[]) => void) => {
    const columns = image.columns.map((c) => values(c, image.rows));
    if (columns.length !== width || columns.some((c) => c.length !== image.rows)) throw new ImageError('state image: a table of another shape');
    const row = new Array<unknown>(width);
    for (let i = 0; i < image.rows; i++) {
      for (let c = 0; c < width; c++) row[c] = columns[c].at(i);
      take(row);
    }
  };
  /** A text column read in row order, compared with what a row should hold rather than cut into strings. */
  const textsInOrder = (image: Column, rows: number) => {
    if (image.kind !== 'text') {
      const all = values(image, rows);
      if (all.length !== rows) throw new ImageError('state image: a column of another length');
      let row = 0;
      return { matches: (expected: string) => all.at(row++) === expected, take: () => String(all.at(row++)), done: () => row === rows };
    }
    const joined = text(image.segment);
    // Where the next text starts; past the end once every text is read.
    let at = 0;
    return {
      matches(expected: string) {
        const end = at + expected.length;
        const whole = at <= joined.length && joined.startsWith(expected, at) && (end === joined.length || joined.charCodeAt(end) === 1);
        at = end + 1;
        return whole;
      },
      take() {
        if (at > joined.length) throw new ImageError('state image: a column of another length');
        const end = joined.indexOf(SEPARATOR, at);
        const value = joined.slice(at, end < 0 ? joined.length : end);
        at = (end < 0 ? joined.length : end) + 1;
        return value;
      },
      done: () => at === joined.length + 1,
    };
  };

  const state = new MemoryState();
  const { tables } = header;
  if (tables.rows.length !== state.tables.length) throw new ImageError('state image: another number of tables');
  // Users straight from their columns, a tenant's at once: the largest table of objects.
  const users = tables.rows[USERS]!;
  if (users.columns.length !== usersCodec.columns.length) throw new ImageError('state image: users of another shape');
  const [tenantKeys, resigned, createdAt] = [0, 3, 4].map((index) => values(users.columns[index], users.rows));
  const userStrings = column(users.columns[1], users.rows);
  // Names stay one text until read: most never are.
  const nameColumn = users.columns[2];
  const names = nameColumn.kind === 'text' && users.rows > 0 ? JoinedTexts.ofUtf8(u8(nameColumn.segment), SEPARATOR.charCodeAt(0)) : values(nameColumn, users.rows);
  if (!Array.isArray(userStrings) || [tenantKeys, userStrings, names, resigned, createdAt].some((c) => c.length !== users.rows)) throw new ImageError('state image: users of another shape');
  /** Where each tenant's users are in the image: user number - start is the user's slot. */
  const tenantRuns = new Map<string, { start: number; end: number }>();
  for (let start = 0; start < users.rows; ) {
    const tenantKey = String(tenantKeys.at(start));
    let end = start;
    while (end < users.rows && tenantKeys.at(end) === tenantKey) end++;
    state.users.load(tenantKey, userStrings as string[], names, resigned, createdAt, start, end);
    tenantRuns.set(tenantKey, { start, end });
    start = end;
  }
  state.tables.forEach((table, index) => {
    const image = tables.rows[index];
    if (index === USERS || index === USER_IDS || index === CONTACT_USERS || index === OPENS) return;
    eachRow(image!, table.codec.columns.length, (values) => table.put(table.codec.fromSql(values)));
  });

  // Opens come a user's together: each user's at once, named by the users table's own string, whose
  // copy in the image is compared, not cut out.
  const openUsers = i32(tables.openUsers);
  const opens = tables.rows[OPENS]!;
  const openWidth = opensCodec.columns.length;
  if (openUsers.length !== opens.rows || opens.columns.length !== openWidth) throw new ImageError('state image: opens of another shape');
  // The user_id column is compared in place below, never cut into strings.
  const openColumns = opens.columns.map((c, index) => (index === OPEN_USER_ID ? undefined : values(c, opens.rows)));
  if (openColumns.some((c) => c !== undefined && c.length !== opens.rows)) throw new ImageError('state image: opens of another shape');
  const openUserIds = textsInOrder(opens.columns[OPEN_USER_ID], opens.rows);
  const openValues = new Array<unknown>(openWidth);
  let run: OpenRow[] = [];
  let runUser = -1;
  const flush = () => {
    if (run.length > 0) state.opens.loadUser(run[0].tenant_key, userStrings[runUser], run);
    run = [];
  };
  for (let at = 0; at < opens.rows; at++) {
    for (let c = 0; c < openWidth; c++) if (c !== OPEN_USER_ID) openValues[c] = openColumns[c]!.at(at);
    const user = openUsers[at];
    if (user < 0) {
      openValues[OPEN_USER_ID] = openUserIds.take();
      state.opens.put(opensCodec.fromSql(openValues));
      continue;
    }
    if (user >= userStrings.length || !openUserIds.matches(userStrings[user])) throw new ImageError('state image: an open names another user');
    openValues[OPEN_USER_ID] = userStrings[user];
    if (user !== runUser) {
      flush();
      runUser = user;
    }
    run.push(opensCodec.fromSql(openValues));
  }
  if (opens.rows > 0 && !openUserIds.done()) throw new ImageError('state image: opens of another shape');
  flush();

  const ids = tables.userIds;
  const idUsers = i32(ids.users);
  const idUnresolved = json<string[]>(ids.unresolved);
  const userIds = new Array<string | undefined>(ids.entries);
  for (let entry = 0, next = 0; entry < ids.entries; entry++) {
    const user = idUsers[entry];
    userIds[entry] = user >= 0 ? userStrings[user] : user === -1 ? idUnresolved[next++] : undefined;
    if (userIds[entry] === undefined && user !== -2) throw new ImageError('state image: a user_id out of range');
  }
  const other: UserIdRow[] = [];
  eachRow(ids.other, userIdsCodec.columns.length, (values) => other.push(userIdsCodec.fromSql(values)));
  const records = header.version === VERSION_2 ? recordsOf(ids.entries, u32(ids.words!), u8(ids.kinds!), u32(ids.tenants!), u32(ids.owners!)) : u32(ids.records);
  const slots = i32(ids.slots);
  // The index's size is a power of two (its probes wrap with a mask).
  if (records === undefined || records.length !== ids.entries * RECORD || slots.length === 0 || (slots.length & (slots.length - 1)) !== 0) {
    throw new ImageError('state image: user_ids of another shape');
  }
  state.userIds.loadImage({
    entries: ids.entries,
    records,
    slots,
    removedSlots: ids.removedSlots,
    free: Array.from(u32(ids.free)),
    texts: ids.texts,
    userIds,
    other,
  }, keepIdArrays && header.version === IMAGE_VERSION); // version 2's part holds more than its index

  const contact = tables.contactUsers;
  const counts = u32(contact.counts);
  const contactUsers = i32(contact.users);
  const contactUnresolved = json<string[]>(contact.unresolved);
  if (counts.length !== contact.firsts.length || counts.reduce((sum, count) => sum + count, 0) !== contactUsers.length) throw new ImageError('state image: contact scopes of another shape');
  let at = 0;
  let next = 0;
  contact.firsts.forEach((appId, index) => {
    const tenantKey = state.apps.map.lookup(appId)?.tenant_key;
    const run = tenantKey === undefined ? undefined : tenantRuns.get(tenantKey);
    const slots = new Int32Array(counts[index]);
    const strays: string[] = [];
    let inTenant = 0;
    for (let i = 0; i < counts[index]; i++, at++) {
      const user = contactUsers[at];
      if (user < 0) {
        const userId = contactUnresolved[next++];
        if (userId === undefined) throw new ImageError('state image: a contact user out of range');
        strays.push(userId);
      } else if (run && user >= run.start && user < run.end) slots[inTenant++] = user - run.start;
      else throw new ImageError('state image: a contact user out of range');
    }
    state.contactUsers.loadGroup(appId, slots.subarray(0, inTenant), strays);
  });
  return state;
}
