import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { writeFileAtomic, WriteRefused } from '../../server/src/cli/atomicWrite';
import { applyEdits, chooseFixes } from '../../server/src/engine/fixes';
import type { Report } from '../../server/src/engine/lint';
import { cleanup, cli, tree } from './helpers';

after(cleanup);

const SYSCTL = '# tuned by hand\nnet.ipv4.tcp_tw_recycle = 1\nnet.core.somaxconn = 128\n';
const SYSCTL_FIXED = '# tuned by hand\nnet.core.somaxconn = 4096\n';
/** Two copies of a terminating rule (deleting one is safe) and of a LOG rule (needs review: LOG twice logs twice). */
const IPT = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1/32 -j ACCEPT\n-A INPUT -s 10.0.0.1/32 -j ACCEPT\n-A INPUT -s 10.0.0.2/32 -j LOG\n-A INPUT -s 10.0.0.2/32 -j LOG\nCOMMIT\n';
const IPT_SAFE = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1/32 -j ACCEPT\n-A INPUT -s 10.0.0.2/32 -j LOG\n-A INPUT -s 10.0.0.2/32 -j LOG\nCOMMIT\n';
const IPT_ALL = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1/32 -j ACCEPT\n-A INPUT -s 10.0.0.2/32 -j LOG\nCOMMIT\n';

const node = (): string => tree({ 'n/sysctl.conf': SYSCTL, 'n/iptables-save.txt': IPT });
const noTemps = (dir: string): void => assert.deepEqual(readdirSync(dir).filter((f) => f.includes('kube-netlint')), [], 'no temporary file left');

describe('kube-netlint fix', () => {
  it('applies the safe edit fixes in place, the rest of each file byte for byte, and leaves needs-review fixes', () => {
    const dir = node();
    const r = cli(['fix', '--kernel', '5.10.0', join(dir, 'n')]);
    assert.equal(readFileSync(join(dir, 'n/sysctl.conf'), 'utf8'), SYSCTL_FIXED);
    assert.equal(readFileSync(join(dir, 'n/iptables-save.txt'), 'utf8'), IPT_SAFE);
    assert.match(r.err, /fixed 2 findings in .*n\/sysctl\.conf/);
    assert.match(r.err, /fixed 1 finding in .*n\/iptables-save\.txt/);
    assert.match(r.err, /1 fix needs review and was not applied \(--unsafe applies them\)/);
    assert.match(r.err, /left: 1 finding \(0 error, 0 warning, 1 info, 0 hint\)/, 're-linted after fixing: the LOG duplicate is left');
    assert.equal(r.code, 0);
    assert.equal(r.out, '');
    noTemps(join(dir, 'n'));
    // A second run finds nothing safe to do and writes nothing.
    const again = cli(['fix', '--kernel', '5.10.0', join(dir, 'n')]);
    assert.doesNotMatch(again.err, /fixed/);
  });

  it('applies needs-review fixes only with --unsafe', () => {
    const dir = node();
    cli(['fix', '--unsafe', '--kernel', '5.10.0', join(dir, 'n')]);
    assert.equal(readFileSync(join(dir, 'n/iptables-save.txt'), 'utf8'), IPT_ALL);
  });

  it('--dry-run prints a unified diff that produces exactly the fixed files, and writes nothing', () => {
    const dir = node();
    const r = cli(['fix', '--dry-run', '--kernel', '5.10.0', join(dir, 'n')]);
    assert.equal(readFileSync(join(dir, 'n/sysctl.conf'), 'utf8'), SYSCTL);
    assert.equal(readFileSync(join(dir, 'n/iptables-save.txt'), 'utf8'), IPT);
    const patches = r.out.split(/(?=^Index: )/m);
    assert.equal(patches.length, 2, r.out);
    assert.match(r.out, /^-net\.ipv4\.tcp_tw_recycle = 1$/m);
    assert.match(r.out, /^\+net\.core\.somaxconn = 4096$/m);
    assert.equal(applyPatch(IPT, patches.find((p) => p.includes('iptables-save'))!), IPT_SAFE);
    assert.equal(applyPatch(SYSCTL, patches.find((p) => p.includes('sysctl.conf'))!), SYSCTL_FIXED);
    assert.match(r.err, /after these fixes: 1 finding/);
  });

  it('keeps the mode, writes through a link inside the folder (the link stays), and never rewrites a file that is not UTF-8', () => {
    const dir = tree({ 'n/real-sysctl.conf': SYSCTL, 'n/bad.conf': '' });
    chmodSync(join(dir, 'n/real-sysctl.conf'), 0o640);
    symlinkSync('real-sysctl.conf', join(dir, 'n/sysctl.d.conf'));
    // A byte that is not UTF-8 in a comment: reading it as text and writing it back would change it.
    writeFileSync(join(dir, 'n/bad.conf'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nnet.core.somaxconn = 128\n')]));
    const r = cli(['fix', '--kernel', '5.10.0', join(dir, 'n/sysctl.d.conf'), join(dir, 'n/bad.conf')]);
    assert.equal(lstatSync(join(dir, 'n/sysctl.d.conf')).isSymbolicLink(), true);
    assert.equal(readlinkSync(join(dir, 'n/sysctl.d.conf')), 'real-sysctl.conf');
    assert.equal(readFileSync(join(dir, 'n/real-sysctl.conf'), 'utf8'), SYSCTL_FIXED);
    assert.equal(statSync(join(dir, 'n/real-sysctl.conf')).mode & 0o777, 0o640);
    assert.match(r.err, /not written .*bad\.conf: it changed since it was read, or is not valid UTF-8 text/);
    assert.equal(readFileSync(join(dir, 'n/bad.conf'))[5], 0xe9, 'the file is untouched');
    assert.equal(r.code, 2, 'a file that could not be written fails the run');
    noTemps(join(dir, 'n'));
  });

  it('reads a UTF-16 capture (PowerShell 5 `>`: little endian with a mark) like its UTF-8 text, and writes its fixes back in UTF-16', () => {
    const dir = tree({ 'n/iptables-save.txt': '' });
    const file = join(dir, 'n/iptables-save.txt');
    writeFileSync(file, Buffer.from(`\ufeff${IPT}`, 'utf16le'));
    const checked = JSON.parse(cli(['check', '--format', 'json', file]).out) as { findings: { rule: string }[] };
    assert.deepEqual(checked.findings.map((f) => f.rule).sort(), ['iptables/duplicate-rule', 'iptables/duplicate-rule', 'parse/iptables-syntax']);
    const r = cli(['fix', file]);
    assert.match(r.err, /fixed 1 finding in /);
    const bytes = readFileSync(file);
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'still UTF-16LE with its mark');
    assert.equal(bytes.toString('utf16le'), `\ufeff${IPT_SAFE}`);
    noTemps(join(dir, 'n'));
  });

  it('writeFileAtomic refuses a path leading out of the folder and a file changed since it was read', () => {
    const dir = tree({ 'outside.conf': 'secret\n', 'n/a.conf': 'x = 1\n' });
    symlinkSync('../outside.conf', join(dir, 'n/out.conf'));
    assert.throws(() => writeFileAtomic(join(dir, 'n/out.conf'), join(dir, 'n'), 'secret\n', 'pwned\n'), (e: unknown) => e instanceof WriteRefused && /outside the folder/.test(e.message));
    assert.equal(readFileSync(join(dir, 'outside.conf'), 'utf8'), 'secret\n');
    assert.throws(() => writeFileAtomic(join(dir, 'n/a.conf'), join(dir, 'n'), 'x = 0\n', 'x = 2\n'), WriteRefused);
    assert.equal(readFileSync(join(dir, 'n/a.conf'), 'utf8'), 'x = 1\n');
    writeFileAtomic(join(dir, 'n/a.conf'), join(dir, 'n'), 'x = 1\n', 'x = 2\n');
    assert.equal(readFileSync(join(dir, 'n/a.conf'), 'utf8'), 'x = 2\n');
    noTemps(join(dir, 'n'));
  });

  it('a link out of the folder is not read, so never fixed; the file outside stays as it was', () => {
    const dir = tree({ 'outside/sysctl.conf': SYSCTL, 'n/iptables-save.txt': IPT });
    symlinkSync('../outside/sysctl.conf', join(dir, 'n/sysctl.conf'));
    const r = cli(['fix', '--kernel', '5.10.0', join(dir, 'n')]);
    assert.match(r.err, /skipped .*n\/sysctl\.conf: .*outside the folder/);
    assert.equal(readFileSync(join(dir, 'outside/sysctl.conf'), 'utf8'), SYSCTL);
  });
});

describe('choosing and applying fixes', () => {
  const report = (start: number, end: number, safe: boolean, newText = ''): Report => ({
    ruleId: 'x/y',
    title: 't',
    severity: 'info',
    message: 'm',
    span: { start, end },
    related: [],
    docsUrl: '',
    fixes: [{ kind: 'edit', title: 'f', safe, edits: [{ span: { start, end }, newText }] }],
  });

  it('takes one fix per finding, skips unsafe ones unless asked, and never two that touch the same text', () => {
    const reports = [report(0, 4, true, 'AAAA'), report(2, 6, true, 'B'), report(8, 10, false, 'C'), report(10, 10, true, 'D')];
    const safe = chooseFixes(reports, false);
    assert.deepEqual(safe.chosen.map((f) => f.edits[0]!.newText), ['AAAA', 'D']);
    assert.equal(safe.held, 1);
    const all = chooseFixes(reports, true);
    assert.deepEqual(all.chosen.map((f) => f.edits[0]!.newText), ['AAAA', 'C', 'D']);
    assert.equal(applyEdits('0123456789xy', all.chosen.flatMap((f) => f.edits)), 'AAAA4567CDxy');
  });
});
