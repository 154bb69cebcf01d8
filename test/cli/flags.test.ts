import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findConfig } from '../../server/src/cli/config';
import { ALL_RULE_META } from '../../server/src/rules/catalogue';
import { BROKEN, cleanup, cli, MASQ, tree } from './helpers';

after(cleanup);

const RANDOM_FULLY = 'iptables/masquerade-without-random-fully';
const SYNTAX = 'parse/iptables-undeclared-chain';

type Json = { findings: { rule: string; severity: string; file: string }[] };
const json = (out: string): Json => JSON.parse(out) as Json;

describe('--fail-on', () => {
  it('sets the severity from which findings fail the run (default warning), never fails with never', () => {
    const info = tree({ 'ipt.txt': MASQ });
    const warning = tree({ 'ipt.txt': BROKEN });
    assert.equal(cli(['check', info]).code, 0, 'an info finding does not fail by default');
    assert.equal(cli(['check', warning]).code, 1, 'a warning does');
    assert.equal(cli(['check', '--fail-on', 'info', info]).code, 1);
    assert.equal(cli(['check', '--fail-on=warning', info]).code, 0);
    assert.equal(cli(['check', '--fail-on', 'error', warning]).code, 0);
    assert.equal(cli(['check', '--fail-on', 'error', '--rule', `${SYNTAX}=error`, warning]).code, 1);
    assert.equal(cli(['check', '--fail-on', 'never', '--rule', `${SYNTAX}=error`, warning]).code, 0);
    assert.equal(cli(['check', '--fail-on', 'bogus', warning]).code, 2);
  });
});

describe('--rule ID=SETTING', () => {
  it('turns a rule off or changes its severity, repeatable, and refuses unknown ids and settings', () => {
    const dir = tree({ 'ipt.txt': BROKEN });
    const base = json(cli(['check', '--format', 'json', dir]).out);
    assert.ok(base.findings.some((f) => f.rule === RANDOM_FULLY && f.severity === 'info'));
    const r = cli(['check', '--format', 'json', '--rule', `${RANDOM_FULLY}=error`, '--rule', `${SYNTAX}=off`, dir]);
    const after = json(r.out);
    assert.deepEqual(after.findings.map((f) => `${f.rule} ${f.severity}`), [`${RANDOM_FULLY} error`]);
    assert.equal(r.code, 1, 'the info finding made an error fails the run');
    // A later --rule for the same id wins.
    assert.equal(json(cli(['check', '--format', 'json', '--rule', `${SYNTAX}=off`, '--rule', `${SYNTAX}=hint`, dir]).out).findings.find((f) => f.rule === SYNTAX)?.severity, 'hint');
    for (const bad of [['--rule', 'iptables/nope=off'], ['--rule', `${SYNTAX}=loud`], ['--rule', SYNTAX]]) {
      const e = cli(['check', ...bad, dir]);
      assert.equal(e.code, 2, bad.join(' '));
      assert.match(e.err, /^kube-netlint: --rule/);
    }
  });
});

describe('config files', () => {
  it('reads .kube-netlint.yaml upward from the node folder, stops at the .git folder, and flags win over it', () => {
    const root = tree({
      '.kube-netlint.yaml': `rules:\n  ${SYNTAX}: "off"\n`,
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/nodes/n1/ipt.txt': BROKEN,
      'other/nodes/n2/ipt.txt': BROKEN,
      'other/.kube-netlint.json': JSON.stringify({ rules: { [RANDOM_FULLY]: 'warning' }, facts: { kernelVersion: '5.10.0' } }),
    });
    // Inside the repository the file above .git is not read.
    assert.equal(findConfig(join(root, 'repo/nodes/n1')), undefined);
    assert.ok(json(cli(['check', '--format', 'json', join(root, 'repo/nodes/n1')]).out).findings.some((f) => f.rule === SYNTAX));
    // Outside a repository the nearest file applies: other/.kube-netlint.json, not the root's YAML.
    assert.equal(findConfig(join(root, 'other/nodes/n2')), join(root, 'other/.kube-netlint.json'));
    const r = json(cli(['check', '--format', 'json', join(root, 'other/nodes/n2')]).out);
    assert.ok(r.findings.some((f) => f.rule === SYNTAX), 'the root YAML is not merged in');
    assert.equal(r.findings.find((f) => f.rule === RANDOM_FULLY)?.severity, 'warning');
    // Found from a file given on its own too; --rule wins over the file.
    assert.equal(json(cli(['check', '--format', 'json', '--rule', `${RANDOM_FULLY}=hint`, join(root, 'other/nodes/n2/ipt.txt')]).out).findings.find((f) => f.rule === RANDOM_FULLY)?.severity, 'hint');
    // A folder outside both trees gets the YAML at the root.
    const loose = join(root, 'loose');
    mkdirSync(loose);
    writeFileSync(join(loose, 'ipt.txt'), BROKEN);
    assert.ok(!json(cli(['check', '--format', 'json', loose]).out).findings.some((f) => f.rule === SYNTAX));
  });

  it('--config FILE applies to every node, accepts VS Code setting keys, and an unusable file stops the run (exit 2)', () => {
    const dir = tree({ 'n/ipt.txt': MASQ.replace('MASQUERADE', 'MASQUERADE --random'), 'vscode.json': JSON.stringify({ 'kubeNetlint.rules': { [RANDOM_FULLY]: 'off' }, 'kubeNetlint.facts.kernelVersion': '5.10.0' }) });
    const before = cli(['check', '--format', 'compact', join(dir, 'n')]);
    assert.match(before.out, /kernel version is unknown/);
    const r = cli(['check', '--format', 'compact', '--config', join(dir, 'vscode.json'), join(dir, 'n')]);
    assert.equal(r.out, '', 'the kernel fact and the rule setting both came from the file');
    const bad = tree({ 'bad.yaml': 'rules: [\n', 'n/ipt.txt': MASQ, 'odd.yaml': `rules:\n  ${RANDOM_FULLY}: loud\n  no/such-rule: "off"\n` });
    const e = cli(['check', '--config', join(bad, 'bad.yaml'), join(bad, 'n')]);
    assert.equal(e.code, 2);
    assert.match(e.err, /^kube-netlint: cannot parse config .*bad\.yaml/);
    assert.equal(cli(['check', '--config', join(bad, 'missing.yaml'), join(bad, 'n')]).code, 2);
    const odd = cli(['check', '--config', join(bad, 'odd.yaml'), join(bad, 'n')]);
    assert.equal(odd.code, 0);
    assert.match(odd.err, /odd\.yaml: rules\.iptables\/masquerade-without-random-fully: expected off\|error\|warning\|info\|hint/);
    assert.match(odd.err, /odd\.yaml: rules\.no\/such-rule: no such rule/);
  });
});

describe('--stdin --kind', () => {
  it('lints standard input as one file of the kind given', () => {
    const r = cli(['check', '--stdin', '--kind', 'iptables', '--format', 'json'], { stdin: () => BROKEN });
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out) as Json & { files: { file: string; kind: string }[] };
    assert.deepEqual(j.files, [{ file: '<stdin>', kind: 'iptables' }]);
    assert.deepEqual(j.findings.map((f) => f.rule).sort(), [RANDOM_FULLY, SYNTAX].sort());
    // The kind is the user's word: text that detection would call unknown is read as that kind.
    const forced = cli(['check', '--stdin', '--kind', 'sysctl', '--format', 'json'], { stdin: () => 'net.ipv4.tcp_tw_recycle = 1\n' });
    assert.equal((JSON.parse(forced.out) as { files: { kind: string }[] }).files[0]!.kind, 'sysctl');
    for (const args of [['--stdin'], ['--stdin', '--kind', 'xml'], ['--kind', 'iptables', '.'], ['--stdin', '--kind', 'iptables', '.']]) {
      const e = cli(['check', ...args], { stdin: () => MASQ });
      assert.equal(e.code, 2, args.join(' '));
    }
  });
});

describe('kube-netlint explain and rules', () => {
  it('prints a rule page as terminal text, and refuses an unknown rule with suggestions', () => {
    const r = cli(['explain', RANDOM_FULLY]);
    assert.equal(r.code, 0);
    assert.ok(!r.out.includes('](') && !r.out.includes('```'), 'links and fences are rendered');
    assert.match(r.out, new RegExp(`^${ALL_RULE_META.find((m) => m.id === RANDOM_FULLY)!.title.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|^.+\n=+\n`));
    assert.match(r.out, /severity: info; reads: iptables/);
    const e = cli(['explain', 'masquerade-without-random-fully']);
    assert.equal(e.code, 2);
    assert.match(e.err, /did you mean iptables\/masquerade-without-random-fully/);
  });

  it('explain works from the built bundle (the pages ship next to dist/, as in the npm package)', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), 'explain', RANDOM_FULLY], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /random-fully/);
  });

  it('lists every rule as text, JSON and a Markdown table', () => {
    const text = cli(['rules']).out.trimEnd().split('\n');
    assert.equal(text.length, ALL_RULE_META.length);
    const j = JSON.parse(cli(['rules', '--format', 'json']).out) as { id: string; severity: string; docs: string; reads: string }[];
    assert.deepEqual(j.map((r) => r.id), ALL_RULE_META.map((m) => m.id));
    assert.match(j[0]!.docs, /docs\/rules\/.+\.md$/);
    const md = cli(['rules', '--format=markdown']).out.trimEnd().split('\n');
    assert.equal(md.length, ALL_RULE_META.length + 2);
    for (const row of md.slice(2)) assert.equal(row.split(/(?<!\\)\|/).length, 7, row);
    assert.equal(cli(['rules', '--format', 'yaml']).code, 2);
  });
});

describe('progress on a terminal', () => {
  it('draws progress on stderr only when stderr is a terminal, and clears it', () => {
    const dir = tree({ 'a/ipt.txt': MASQ, 'b/ipt.txt': MASQ, 'c/ipt.txt': MASQ });
    const quiet = cli(['check', dir], { stderrIsTTY: false });
    assert.ok(!quiet.err.includes('\r') && !quiet.err.includes('\u001b'), 'nothing but the summary when not a terminal');
    assert.match(quiet.err, /^3 findings/);
    const tty = cli(['check', dir], { stderrIsTTY: true, columns: 60 });
    assert.match(tty.err, /\r\u001b\[Kkube-netlint: 0\/3 /);
    assert.ok(tty.err.includes('\r\u001b[K3 findings') || /\r\u001b\[K\n?3 findings/.test(tty.err), 'the line is cleared before the summary');
    assert.equal(tty.out, quiet.out, 'stdout is the same');
  });
});
