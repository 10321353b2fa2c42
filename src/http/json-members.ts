/** The byte order of a UTF-16 or UTF-32 body's code units. */
export type ByteOrder = 'le' | 'be';

const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;

/**
 * Whether the JSON text in `body` holds more than `limit` object members (name-value pairs) in
 * all, found without parsing it. Building an object costs far more per member than per byte: one
 * paper of 1.5 million unknown names (18 MB) held the server's one thread 17-28 s to parse, copy
 * and refuse. Each member has a colon outside strings, so a body with no more colons than the
 * limit, nearly every body, is let through after a native search for them; only past it are the
 * colons in strings told apart, in one pass. Text that is not JSON may be miscounted; parsing
 * refuses it. The quote, backslash and colon are single code units in UTF-8, UTF-16 and UTF-32,
 * and no other unit (a UTF-8 continuation byte, a surrogate) takes their values.
 */
export function holdsMoreMembersThan(body: Buffer, limit: number, unitBytes: 1 | 2 | 4 = 1, order: ByteOrder = 'le'): boolean {
  if (!holdsMoreThan(body, encodedUnit(colon, unitBytes, order), limit)) return false;
  return unitBytes === 1 ? countsMoreMembers(body, limit) : countsMoreMembersInUnits(body, limit, unitBytes, order);
}

/**
 * Whether `pattern` occurs more than `limit` times. A wider unit can also match across two units,
 * which only counts more: a body under the limit here is under it in members.
 */
function holdsMoreThan(body: Buffer, pattern: Buffer, limit: number): boolean {
  let found = 0;
  for (let at = body.indexOf(pattern); at !== -1; at = body.indexOf(pattern, at + 1)) {
    if (++found > limit) return true;
  }
  return false;
}

/** The members counted in UTF-8 text (the one loop kept tight: a 29 MB body in tens of milliseconds). */
function countsMoreMembers(body: Buffer, limit: number): boolean {
  let members = 0;
  let inString = false;
  for (let offset = 0; offset < body.length; offset++) {
    const unit = body[offset]!;
    if (inString) {
      if (unit === backslash) offset++;
      else if (unit === quote) inString = false;
    } else if (unit === quote) inString = true;
    else if (unit === colon && ++members > limit) return true;
  }
  return false;
}

/** The members counted in UTF-16 or UTF-32 text, a unit at a time. */
function countsMoreMembersInUnits(body: Buffer, limit: number, unitBytes: 2 | 4, order: ByteOrder): boolean {
  const unitAt =
    unitBytes === 2
      ? (offset: number) => (order === 'le' ? body.readUInt16LE(offset) : body.readUInt16BE(offset))
      : (offset: number) => (order === 'le' ? body.readUInt32LE(offset) : body.readUInt32BE(offset));
  let members = 0;
  let inString = false;
  for (let offset = 0; offset + unitBytes <= body.length; offset += unitBytes) {
    const unit = unitAt(offset);
    if (inString) {
      if (unit === backslash) offset += unitBytes;
      else if (unit === quote) inString = false;
    } else if (unit === quote) inString = true;
    else if (unit === colon && ++members > limit) return true;
  }
  return false;
}

function encodedUnit(unit: number, unitBytes: 1 | 2 | 4, order: ByteOrder): Buffer {
  const encoded = Buffer.alloc(unitBytes);
  if (unitBytes === 1) encoded.writeUInt8(unit);
  else if (unitBytes === 2) order === 'le' ? encoded.writeUInt16LE(unit) : encoded.writeUInt16BE(unit);
  else order === 'le' ? encoded.writeUInt32LE(unit) : encoded.writeUInt32BE(unit);
  return encoded;
}
