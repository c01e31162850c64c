// zip-peek.ts reads a zip's entry names from its central directory at planning time: they must be
// the names the real open (yauzl) sees, and anything it cannot read must give "no peek", never a
// wrong list or an exception.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipEntryNames } from '../../src/ingest/zip-peek.js';
import { fleetFoldersOf, openZipBundle } from '../../src/ingest/zip.js';
import { SAMPLES } from '../helpers/parse.js';
import { writeZip } from '../helpers/zip.js';

let dir: tmp.DirResult;
beforeEach(() => { dir = tmp.dirSync({ unsafeCleanup: true }); });
afterEach(() => dir.removeCallback());

describe('zipEntryNames', () => {
  it('gives the sample zip\'s entries as the real open reads them', async () => {
    const zip = path.join(SAMPLES, 'LAB-0104.zip');
    const bundle = await openZipBundle(zip, { name: 'LAB-0104', displayPath: 'LAB-0104.zip' });
    const opened = bundle.files.map((f) => f.path.slice('LAB-0104.zip/'.length));
    await bundle.close();
    const peeked = zipEntryNames(zip) ?? expect.fail('not peeked');
    expect(peeked.filter((n) => !n.endsWith('/')).sort()).toEqual(opened.sort());
  });

  it('decodes UTF-8 names by the flag, and reads a fleet\'s device folders from them (a zip of device zips too)', () => {
    const zip = path.join(dir.name, 'fleet.zip');
    writeZip(zip, [
      { name: 'sïte/LAB-0101/sdclient.log', data: 'x', utf8: true },
      { name: 'sïte/LAB-0101/vulscan.log', data: 'x', utf8: true },
      { name: 'LAB-0102.zip', data: 'PK' },
      { name: '__MACOSX/LAB-0101/._sdclient.log', data: 'x' },
    ]);
    const names = zipEntryNames(zip) ?? expect.fail('not peeked');
    expect(names).toContain('sïte/LAB-0101/sdclient.log');
    expect(fleetFoldersOf(names)).toEqual(['LAB-0102.zip', 'sïte/LAB-0101']);
  });

  it('gives undefined, never a wrong list, for a cut zip, a file that is no zip, an empty file and a missing one', () => {
    const whole = readFileSync(path.join(SAMPLES, 'LAB-0104.zip'));
    const cut = path.join(dir.name, 'cut.zip');
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
    const notZip = path.join(dir.name, 'text.zip');
    writeFileSync(notZip, 'just some text, long enough to be looked at for an end record');
    const empty = path.join(dir.name, 'empty.zip');
    writeFileSync(empty, '');
    const lying = path.join(dir.name, 'lying.zip');
    const copy = Buffer.from(whole);
    copy.writeUInt32LE(0xffffffff, copy.length - 22 + 16); // directory offset past the end
    writeFileSync(lying, copy);
    for (const file of [cut, notZip, empty, lying, path.join(dir.name, 'missing.zip')]) expect(zipEntryNames(file), file).toBeUndefined();
  });
});
