// Reads the files of a zip through its central directory (what unzip does), for the suites that download
// an export: stored entries only (what the export writes; PNGs do not compress), no ZIP64.
import assert from 'node:assert/strict';

/** Every file of the zip by name, as a Buffer. */
export function readZip(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'an end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a central directory header');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    assert.equal(method, 0, `${name} is stored`);
    assert.equal(buf.readUInt32LE(local), 0x04034b50, `${name}'s local header`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    files[name] = buf.subarray(start, start + size);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}
