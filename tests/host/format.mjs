// What crosses the wire and the disk, independent of any built binary: native messaging
// frames and signed-list text. Shared by the Linux black-box tests (lib.mjs) and the Windows
// ones (tests/windows/), which run other binaries.
import { createHash } from 'node:crypto';
import os from 'node:os';

// ---- native messaging frames ----

const LITTLE_ENDIAN = os.endianness() === 'LE';

export function lengthPrefix(n) {
  const b = Buffer.alloc(4);
  if (LITTLE_ENDIAN) b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return b;
}

export function readLength(buf, at) {
  return LITTLE_ENDIAN ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}

// One frame: a request object (JSON-encoded), a string (sent as UTF-8) or raw bytes.
export function encodeFrame(payload) {
  let body;
  if (Buffer.isBuffer(payload)) body = payload;
  else if (typeof payload === 'string') body = Buffer.from(payload, 'utf8');
  else body = Buffer.from(JSON.stringify(payload), 'utf8');
  return Buffer.concat([lengthPrefix(body.length), body]);
}

// Splits a byte stream into frames; whatever is left at the end was not a whole frame.
export class FrameDecoder {
  constructor() {
    this.buf = Buffer.alloc(0);
  }

  push(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames = [];
    while (this.buf.length >= 4) {
      const n = readLength(this.buf, 0);
      if (this.buf.length < 4 + n) break;
      frames.push(this.buf.subarray(4, 4 + n));
      this.buf = this.buf.subarray(4 + n);
    }
    return frames;
  }

  get leftover() {
    return this.buf;
  }
}

// ---- lists ----

export const DEFAULT_ELECTION = 'Test election 2026';

// Entries that every test list holds, so tests can tell listed from clear.
export function defaultEntries() {
  return [
    {
      platform: 'x', accounts: ['@Candidate_One', 'id:1234567890'],
      entity: { name: 'Candidate One', role: 'candidate', party: 'Party A', election: DEFAULT_ELECTION, region: 'Region 1' },
    },
    {
      platform: 'youtube', accounts: ['@candidateone', 'channel:UCabcdefghijklmnopqrstuv'],
      entity: { name: 'Candidate One', role: 'campaign channel', party: 'Party A', election: DEFAULT_ELECTION, region: 'Region 1' },
    },
    {
      platform: 'facebook', accounts: ['https://www.facebook.com/Team.Two', 'group:volunteers.two'],
      entity: { name: 'Team Two', role: 'campaign team', party: 'Coalition B', election: DEFAULT_ELECTION, region: 'Région 2 – ünïcode' },
    },
    {
      platform: 'instagram', accounts: ['team.two'],
      entity: { name: 'Team Two', election: DEFAULT_ELECTION },
    },
  ];
}

// The text of a list: a header line, then one line per entry. HEADER overrides header fields.
export function listText({ version = 1, issued = '2026-01-01T00:00:00Z', expires = '2099-01-01T00:00:00Z',
  issuer = 'Test list authority', elections = [DEFAULT_ELECTION], entries = defaultEntries(), header = {} } = {}) {
  const head = { format: 'netral-list', format_version: 1, version, issued, expires, issuer, elections, ...header };
  return [head, ...entries].map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';
}


// The content digest of a list (host/src/content_digest.h), computed independently: per row
// (platform, canonical account, entity fields) BLAKE2b-512 of the fields each followed by "\n",
// added lane by lane (eight little-endian 64-bit lanes, modulo 2^64). ROWS must hold canonical
// accounts already.
export function contentDigest(rows) {
  const lanes = Array(8).fill(0n);
  for (const { platform, account, entity } of rows) {
    const fields = [platform, account, entity.name, entity.role ?? '', entity.party ?? '', entity.election ?? '', entity.region ?? ''];
    const hash = createHash('blake2b512').update(fields.map((f) => `${f}\n`).join('')).digest();
    for (let l = 0; l < 8; l++) lanes[l] = (lanes[l] + hash.readBigUInt64LE(l * 8)) & 0xffffffffffffffffn;
  }
  return lanes.map((v) => v.toString(16).padStart(16, '0')).join('');
}
