import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFileName, OutDirError, prepareOutDir, removePrevious, writeNew } from '../../server/src/capture/write';

let root: string;

describe('capture writer', () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kn-write-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a new folder (with its parents), readable by the collecting user only', () => {
    const out = join(root, 'a', 'b');
    prepareOutDir(out, false);
    assert.ok(lstatSync(out).isDirectory());
    assert.equal(lstatSync(out).mode & 0o777, 0o700);
    assert.equal(writeNew(out, 'sysctl-a.txt', 'net.ipv4.ip_forward = 1\n'), 24);
    assert.equal(readFileSync(join(out, 'sysctl-a.txt'), 'utf8'), 'net.ipv4.ip_forward = 1\n');
    assert.equal(lstatSync(join(out, 'sysctl-a.txt')).mode & 0o777, 0o600);
  });

  it('accepts an existing empty folder, refuses a non-empty one unless forced', () => {
    prepareOutDir(root, false);
    writeFileSync(join(root, 'notes.txt'), 'mine');
    assert.throws(() => prepareOutDir(root, false), (e: unknown) => e instanceof OutDirError && /not empty .*--force/.test(e.message));
    prepareOutDir(root, true);
    assert.equal(readFileSync(join(root, 'notes.txt'), 'utf8'), 'mine', 'preparing never deletes');
  });

  it('refuses an --out that is a symlink (even with --force) or a file', () => {
    const real = join(root, 'real');
    mkdirSync(real);
    const link = join(root, 'link');
    symlinkSync(real, link);
    assert.throws(() => prepareOutDir(link, true), /symbolic link/);
    writeFileSync(join(root, 'file'), '');
    assert.throws(() => prepareOutDir(join(root, 'file'), true), /not a directory/);
  });

  it('never writes through a symlink planted under a file name, and leaves its target untouched', () => {
    const out = join(root, 'out');
    prepareOutDir(out, false);
    const target = join(root, 'precious');
    writeFileSync(target, 'keep me');
    symlinkSync(target, join(out, 'sysctl-a.txt'));
    assert.throws(() => writeNew(out, 'sysctl-a.txt', 'overwritten?'), /already exists; not writing through it/);
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    // A dangling link is not followed either (O_EXCL fails on the link itself, creating nothing at its target).
    symlinkSync(join(root, 'created-through-link'), join(out, 'uname-r.txt'));
    assert.throws(() => writeNew(out, 'uname-r.txt', 'x'), OutDirError);
    assert.ok(!readdirSync(root).includes('created-through-link'));
  });

  it('refuses file names that could leave the folder or hide', () => {
    for (const bad of ['../escape.txt', 'a/b.txt', '/etc/passwd', '.hidden', '-rf', '', '..', 'x'.repeat(200)]) {
      assert.throws(() => checkFileName(bad), OutDirError, JSON.stringify(bad));
    }
    for (const good of ['ethtool-k-flannel.1.txt', 'iptables-nft-save.txt', 'manifest.json']) checkFileName(good);
  });

  it('with --force removes only the files of an earlier capture, unlinking symlinks without touching their targets', () => {
    const out = join(root, 'out');
    prepareOutDir(out, false);
    writeFileSync(join(out, 'sysctl-a.txt'), 'old');
    writeFileSync(join(out, 'kube-proxy-cm.yaml'), 'user file');
    const target = join(root, 'precious');
    writeFileSync(target, 'keep me');
    symlinkSync(target, join(out, 'uname-r.txt'));
    mkdirSync(join(out, 'conntrack-L.txt'));
    const removed = removePrevious(out, (n) => ['sysctl-a.txt', 'uname-r.txt', 'conntrack-L.txt'].includes(n));
    assert.deepEqual(removed.sort(), ['sysctl-a.txt', 'uname-r.txt']);
    assert.deepEqual(readdirSync(out).sort(), ['conntrack-L.txt', 'kube-proxy-cm.yaml']);
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
  });
});
