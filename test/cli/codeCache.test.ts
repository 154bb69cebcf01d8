/**
 * dist/cli.js (scripts/build.mjs) is a loader and the program in a comment block, compiled with
 * V8's code cache dist/cli.js.cache when the cache was made for that program and is whole. The
 * binary must answer the same with the cache, without it (deploy/Dockerfile copies cli.js alone)
 * and with a cache that is damaged or cut short (which V8, left to itself, may crash on), and the
 * cache the build makes must be one V8 takes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist');
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'healthy-node');

function check(cli: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', EXAMPLE], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('dist/cli.js and its code cache', () => {
  it('the build made a cache, and V8 takes it for the program in dist/cli.js', () => {
    assert.ok(existsSync(join(DIST, 'cli.js.cache')), 'dist/cli.js.cache is missing: npm run build');
    // In a child without flags, as the binary runs (V8 refuses a cache made under other flags).
    const probe = `
      const fs = require('node:fs');
      const file = fs.readFileSync(process.argv[1], 'utf8');
      const program = file.slice(file.indexOf('\\n/' + '*\\n') + 4, file.length - 4).replace(/\\*[\\u0001-\\u0006]\\//g, '*/');
      const cache = fs.readFileSync(process.argv[1] + '.cache');
      const s = new (require('node:vm').Script)(program, { filename: process.argv[1], cachedData: cache.subarray(32) });
      process.stdout.write(String(s.cachedDataRejected));
    `;
    const r = spawnSync(process.execPath, ['-e', probe, join(DIST, 'cli.js')], { encoding: 'utf8' });
    assert.equal(r.stdout, 'false', r.stderr);
  });

  it('answers the same without the cache, with it, and with a damaged or truncated one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kn-codecache-'));
    try {
      const cli = join(dir, 'cli.js');
      copyFileSync(join(DIST, 'cli.js'), cli);
      const without = check(cli);
      assert.ok(without.status === 0 || without.status === 1, without.err);
      assert.ok(without.out.includes('"findings"'), without.out);
      const cache = readFileSync(join(DIST, 'cli.js.cache'));
      const damaged = Buffer.from(cache);
      for (let i = 1000; i < 1040; i++) damaged[i] = damaged[i]! ^ 0xa5;
      const variants: [string, Buffer][] = [
        ['the cache', cache],
        ['a damaged cache', damaged],
        ['a truncated cache', cache.subarray(0, cache.length >> 1)],
        ['a cache of another program', Buffer.concat([Buffer.alloc(32), cache.subarray(32)])],
        ['garbage', Buffer.from('not a cache')],
      ];
      for (const [what, bytes] of variants) {
        writeFileSync(`${cli}.cache`, bytes);
        const r = check(cli);
        assert.deepEqual(r, without, `with ${what}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
