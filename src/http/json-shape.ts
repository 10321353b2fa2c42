/** The byte order of a UTF-16 or UTF-32 body's code units. */
export type ByteOrder = 'le' | 'be';

/** How much structure a JSON body may hold: object members (name-value pairs), and objects and arrays, each counted over the whole body. */
export interface JsonShapeLimits {
  members: number;
  containers: number;
}

/** Which of the limits a body goes past. */
export type JsonShapeExcess = keyof JsonShapeLimits;

const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;
const openBrace = 0x7b;
const openBracket = 0x5b;

/**
 * The first of `limits` the JSON text in `body` goes past, found without parsing it. Building a
 * value costs far more than its bytes: one paper of 1.5 million unknown names (18 MB) held the
 * server's one thread 17-28 s to parse, copy and refuse; 16 MB of arrays nested 8 million deep took
 * 2.5 s to parse, 4 million empty objects 0.85 s. Outside strings, each member has a colon and each
 * object or array its opening bracket, so a body with no more of these characters than the limits,
 * nearly every body, is let through after a native search for them; only past them are those in
 * strings told apart, in one pass. Text that is not JSON may be miscounted; parsing refuses it.
 * The characters counted, the quote and the backslash are single code units in UTF-8, UTF-16 and
 * UTF-32, and no other unit (a UTF-8 continuation byte, a surrogate) takes their values.
 */
export function jsonShapeBeyond(body: Buffer, limits: JsonShapeLimits, unitBytes: 1 | 2 | 4 = 1, order: ByteOrder = 'le'): JsonShapeExcess | undefined {
  // Little-endian, a wide unit's pattern opens with the character's byte, rarer than its zeros.
  const text = unitBytes === 1 || order === 'le' ? body : unitBytes === 2 ? Buffer.from(body).swap16() : Buffer.from(body).swap32();
  const occurrences = (unit: number, limit: number) => occurrencesUpTo(text, littleEndianUnit(unit, unitBytes), limit + 1);
  const maybeMembers = occurrences(colon, limits.members) > limits.members;
  const maybeContainers = occurrences(openBrace, limits.containers) + occurrences(openBracket, limits.containers) > limits.containers;
  if (!maybeMembers && !maybeContainers) return undefined;
  if (unitBytes === 1) return countedExcess(text, limits);
  // UTF-16 is turned into UTF-8 natively, to be read as fast; UTF-32 has no native decoder here.
  return unitBytes === 2 ? countedExcess(Buffer.from(text.toString('utf16le')), limits) : countedExcessInUnits(text, limits);
}

/**
 * How often `pattern` occurs, counted up to `most`. A wider unit can also match across two units,
 * which only counts more: a body under a limit here is under it outside strings too.
 */
function occurrencesUpTo(body: Buffer, pattern: Buffer, most: number): number {
  let found = 0;
  for (let at = body.indexOf(pattern); at !== -1 && found < most; at = body.indexOf(pattern, at + 1)) found++;
  return found;
}

/** The limit UTF-8 text goes past, its strings skipped (see afterString). */
function countedExcess(body: Buffer, limits: JsonShapeLimits): JsonShapeExcess | undefined {
  let members = 0;
  let containers = 0;
  let offset = 0;
  while (offset < body.length) {
    const unit = body[offset]!;
    if (unit === quote) {
      offset = afterString(body, offset + 1);
      continue;
    }
    if (unit === colon && ++members > limits.members) return 'members';
    if ((unit === openBrace || unit === openBracket) && ++containers > limits.containers) return 'containers';
    offset++;
  }
  return undefined;
}

/** How far a byte of a string is read before searching natively for its closing quote. */
const stringStretch = 64;

/**
 * The offset just past the string whose text starts at `start`. A byte at a time, then (past a
 * stretch) a native search for the next quote, which closes the string unless an odd run of
 * backslashes comes right before it: a long abstract costs a call, and names of a few characters,
 * or a run of escaped quotes, cost no call each.
 */
function afterString(body: Buffer, start: number): number {
  let offset = start;
  while (offset < body.length) {
    const stretchEnd = Math.min(body.length, offset + stringStretch);
    for (; offset < stretchEnd; offset++) {
      const unit = body[offset]!;
      if (unit === backslash) offset++;
      else if (unit === quote) return offset + 1;
    }
    const next = body.indexOf(quote, offset);
    if (next === -1) return body.length;
    let backslashes = 0;
    while (body[next - 1 - backslashes] === backslash) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    offset = next + 1;
  }
  return body.length;
}

/** The limit little-endian UTF-32 text goes past, a unit at a time. */
function countedExcessInUnits(body: Buffer, limits: JsonShapeLimits): JsonShapeExcess | undefined {
  let members = 0;
  let containers = 0;
  let inString = false;
  for (let offset = 0; offset + 4 <= body.length; offset += 4) {
    const unit = body.readUInt32LE(offset);
    if (inString) {
      if (unit === backslash) offset += 4;
      else if (unit === quote) inString = false;
    } else if (unit === quote) inString = true;
    else if (unit === colon && ++members > limits.members) return 'members';
    else if ((unit === openBrace || unit === openBracket) && ++containers > limits.containers) return 'containers';
  }
  return undefined;
}

function littleEndianUnit(unit: number, unitBytes: 1 | 2 | 4): Buffer {
  const encoded = Buffer.alloc(unitBytes);
  encoded.writeUIntLE(unit, 0, unitBytes);
  return encoded;
}
