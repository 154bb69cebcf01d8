import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { policyBlockTable } from '../../../server/src/formats/iptables/fragment';
import { isComplete } from '../../../server/src/formats/iptables/query';
import { detectKind } from '../../../server/src/formats/detect';
import type { IptablesModel, IptTable } from '../../../server/src/formats/iptables/model';
import { lintText } from '../../helpers/ruleTester';

/** `iptables -t nat -S` on a kube-proxy node (abridged). */
const NAT = `-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N KUBE-MARK-MASQ
-N KUBE-POSTROUTING
-N KUBE-SERVICES
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-ABC
`;

/** `iptables -S` (filter) of the same node: KUBE-SERVICES is in filter too. */
const FILTER = `-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-N KUBE-FIREWALL
-N KUBE-FORWARD
-N KUBE-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "default/web has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
`;

const errors = (m: IptablesModel): string[] => m.problems.filter((p) => p.severity !== 'info').map((p) => `${p.code}: ${p.message}`);
const fragmentNotes = (m: IptablesModel): string[] => m.problems.filter((p) => p.code === 'parse/iptables-fragment').map((p) => p.message);
const table = (m: IptablesModel, name: string): IptTable => {
  const t = m.tables.find((x) => x.name.value === name);
  assert.ok(t, `table ${name} (have ${m.tables.map((x) => x.name.value).join(', ')})`);
  return t;
};
/** Chain name -> policy ('-' for none), in declaration order. */
const policies = (t: IptTable): string[] => t.chains.map((c) => `${c.name.value}=${c.policy?.value ?? '-'}`);
/** Chain name -> targets of its rules. */
const rulesOf = (t: IptTable, chain: string): string[] => t.chains.find((c) => c.name.value === chain)?.rules.map((r) => r.target?.name.value ?? '') ?? [];

describe('`iptables -S` output (spec format) is read as a fragment, policies included', () => {
  it('iptables -t nat -S: no syntax problem, the built-in chains with their policies in nat, the rules in their chains', () => {
    const m = parseIptablesSave(NAT);
    assert.deepEqual(errors(m), []);
    assert.deepEqual(m.tables.map((t) => t.name.value), ['nat']);
    const nat = table(m, 'nat');
    assert.equal(nat.inferred, true);
    assert.equal(isComplete(m, nat), false);
    assert.deepEqual(policies(nat).slice(0, 4), ['PREROUTING=ACCEPT', 'INPUT=ACCEPT', 'OUTPUT=ACCEPT', 'POSTROUTING=ACCEPT']);
    assert.ok(nat.chains.slice(0, 4).every((c) => c.builtin));
    for (const c of ['KUBE-MARK-MASQ', 'KUBE-POSTROUTING', 'KUBE-SERVICES']) assert.ok(nat.chains.some((x) => x.name.value === c && !x.builtin && !x.policy), c);
    assert.deepEqual(rulesOf(nat, 'PREROUTING'), ['KUBE-SERVICES']);
    assert.deepEqual(rulesOf(nat, 'KUBE-POSTROUTING'), ['MASQUERADE']);
    assert.deepEqual(rulesOf(nat, 'KUBE-SERVICES'), ['KUBE-SVC-ABC']);
    // The policy's span is its word on its line.
    const pre = nat.chains[0]!;
    assert.equal(NAT.slice(pre.policy!.span.start, pre.policy!.span.end), 'ACCEPT');
    assert.equal(NAT.slice(pre.name.span.start, pre.name.span.end), 'PREROUTING');
    const notes = fragmentNotes(m);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /^This is `iptables -S` output \(rules without iptables-save's table lines\): 10 lines read, 10 as table nat \(from -P PREROUTING\/INPUT\/OUTPUT\/POSTROUTING/);
    assert.match(notes[0]!, /Findings that need a whole table .* are not made/);
  });

  it('iptables -S (filter): FORWARD DROP is its policy, KUBE-SERVICES (a nat name) stays in filter', () => {
    const m = parseIptablesSave(FILTER);
    assert.deepEqual(errors(m), []);
    assert.deepEqual(m.tables.map((t) => t.name.value), ['filter']);
    const filter = table(m, 'filter');
    assert.deepEqual(policies(filter).slice(0, 3), ['INPUT=ACCEPT', 'FORWARD=DROP', 'OUTPUT=ACCEPT']);
    assert.deepEqual(rulesOf(filter, 'KUBE-SERVICES'), ['REJECT']);
    assert.deepEqual(rulesOf(filter, 'OUTPUT'), ['KUBE-SERVICES']);
    assert.equal(m.problems.filter((p) => p.code === 'parse/iptables-fragment' && /names no table clearly/.test(p.message)).length, 0);
  });

  it('two outputs pasted one after the other (filter, then nat): each line in its own table', () => {
    const m = parseIptablesSave(FILTER + NAT);
    assert.deepEqual(errors(m), []);
    assert.deepEqual(m.tables.map((t) => t.name.value).sort(), ['filter', 'nat']);
    const filter = table(m, 'filter');
    const nat = table(m, 'nat');
    assert.deepEqual(filter.rules.length, 6);
    assert.deepEqual(nat.rules.length, 3);
    assert.deepEqual(policies(nat).slice(0, 4), ['PREROUTING=ACCEPT', 'INPUT=ACCEPT', 'OUTPUT=ACCEPT', 'POSTROUTING=ACCEPT']);
    // nat's `-N KUBE-SERVICES` declares nat's chain (not filter's, where the name was seen first).
    const natServices = nat.chains.find((c) => c.name.value === 'KUBE-SERVICES')!;
    assert.equal((FILTER + NAT).slice(natServices.span.start, natServices.span.end), '-N KUBE-SERVICES');
    assert.ok(natServices.span.start > FILTER.length);
    assert.deepEqual(rulesOf(filter, 'KUBE-SERVICES'), ['REJECT']);
    assert.deepEqual(rulesOf(nat, 'KUBE-SERVICES'), ['KUBE-SVC-ABC']);
    assert.equal(fragmentNotes(m).length, 1);
    assert.match(fragmentNotes(m)[0]!, /22 lines read, 12 as table filter \(from -P INPUT\/FORWARD\/OUTPUT.*\) and 10 as table nat \(from -P PREROUTING\/INPUT\/OUTPUT\/POSTROUTING/);
  });

  it('the policies name the table: mangle (five chains), raw (two), filter (three) pasted together', () => {
    const text = ['-P PREROUTING ACCEPT', '-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT', '-P POSTROUTING ACCEPT', '-N KUBE-IPTABLES-HINT', '-N KUBE-KUBELET-CANARY', '-P PREROUTING ACCEPT', '-P OUTPUT ACCEPT', '-P INPUT DROP', '-P FORWARD DROP', '-P OUTPUT ACCEPT', ''].join('\n');
    const m = parseIptablesSave(text);
    assert.deepEqual(errors(m), []);
    assert.deepEqual(m.tables.map((t) => `${t.name.value}: ${policies(t).join(' ')}`).sort(), [
      'filter: INPUT=DROP FORWARD=DROP OUTPUT=ACCEPT',
      'mangle: PREROUTING=ACCEPT INPUT=ACCEPT FORWARD=ACCEPT OUTPUT=ACCEPT POSTROUTING=ACCEPT KUBE-IPTABLES-HINT=- KUBE-KUBELET-CANARY=-',
      'raw: PREROUTING=ACCEPT OUTPUT=ACCEPT',
    ]);
  });

  it('pasted in a reply (quoted, with the shell prompts, CRLF): the same tables as the bare output', () => {
    const bare = parseIptablesSave(FILTER + NAT);
    const quoted = ['$ sudo iptables -S', ...FILTER.trimEnd().split('\n'), '$ sudo iptables -t nat -S', ...NAT.trimEnd().split('\n')].map((l) => `> ${l}`).join('\r\n') + '\r\n';
    const m = parseIptablesSave(quoted);
    assert.deepEqual(errors(m), []);
    const shape = (x: IptablesModel): string[] => x.tables.map((t) => `${t.name.value}: ${policies(t).join(' ')} / ${t.rules.map((r) => r.chain.value).join(' ')}`).sort();
    assert.deepEqual(shape(m), shape(bare));
    assert.match(fragmentNotes(m)[0]!, /12 as table filter \(from -P INPUT\/FORWARD\/OUTPUT.* and 10 as table nat \(from -P PREROUTING\/INPUT\/OUTPUT\/POSTROUTING/);
  });

  it('iptables -S CHAIN: one policy and its rules; the rules decide among the tables that have the chain', () => {
    const cases: [string, string][] = [
      ['-P PREROUTING ACCEPT\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n', 'nat'],
      ['-P PREROUTING ACCEPT\n-A PREROUTING -p udp -m udp --dport 53 -j CT --notrack\n', 'raw'],
      ['-P PREROUTING ACCEPT\n-A PREROUTING -p tcp -j TPROXY --on-port 15001 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1\n', 'mangle'],
      ['-P FORWARD DROP\n-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD\n', 'filter'],
      // No evidence: PREROUTING is most often asked of nat; OUTPUT of filter.
      ['-P PREROUTING ACCEPT\n', 'nat'],
      ['-P OUTPUT ACCEPT\n', 'filter'],
    ];
    for (const [text, want] of cases) {
      const m = parseIptablesSave(text);
      assert.deepEqual(errors(m), [], text);
      assert.deepEqual(m.tables.map((t) => t.name.value), [want], text);
      const chain = table(m, want).chains[0]!;
      assert.ok(chain.builtin && chain.policy, text);
      assert.equal(chain.rules.length, text.split('\n').length - 2, text);
    }
  });

  it('iptables -t nat -S KUBE-SERVICES (a user chain: `-N` then its rules) is named `iptables -S` output', () => {
    const text = '-N KUBE-SERVICES\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n';
    const m = parseIptablesSave(text);
    assert.deepEqual(errors(m), []);
    assert.deepEqual(rulesOf(table(m, 'nat'), 'KUBE-SERVICES'), ['KUBE-SVC-NPX46M4PTMTKRN6Y']);
    assert.match(fragmentNotes(m)[0]!, /^This is `iptables -S` output/);
  });

  it('`iptables -S` then `iptables -t nat -S KUBE-SERVICES`: the -N after rules starts the second output', () => {
    const text = FILTER + '-N KUBE-SERVICES\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n';
    const m = parseIptablesSave(text);
    assert.deepEqual(errors(m), []);
    assert.deepEqual(rulesOf(table(m, 'nat'), 'KUBE-SERVICES'), ['KUBE-SVC-NPX46M4PTMTKRN6Y']);
    assert.deepEqual(rulesOf(table(m, 'filter'), 'KUBE-SERVICES'), ['REJECT']);
  });

  it('iptables -v -S: policy counters (-c PACKETS BYTES) on the chains, rule counters on the rules', () => {
    const text = '-P INPUT ACCEPT -c 1024 65536\n-P FORWARD DROP -c 7 420\n-P OUTPUT ACCEPT -c 0 0\n-N KUBE-FIREWALL\n-A INPUT -c 3 180 -j KUBE-FIREWALL\n-A KUBE-FIREWALL -m mark --mark 0x8000/0x8000 -c 0 0 -j DROP\n';
    const m = parseIptablesSave(text);
    assert.deepEqual(errors(m), []);
    const filter = table(m, 'filter');
    assert.deepEqual(
      filter.chains.map((c) => [c.name.value, c.policy?.value, c.counters?.packets, c.counters?.bytes]),
      [
        ['INPUT', 'ACCEPT', 1024, 65536],
        ['FORWARD', 'DROP', 7, 420],
        ['OUTPUT', 'ACCEPT', 0, 0],
        ['KUBE-FIREWALL', undefined, undefined, undefined],
      ],
    );
    const c = filter.chains[0]!.counters!;
    assert.equal(text.slice(c.span.start, c.span.end), '-c 1024 65536');
    assert.deepEqual(filter.rules.map((r) => [r.chain.value, r.counters?.packets, r.counters?.bytes]), [
      ['INPUT', 3, 180],
      ['KUBE-FIREWALL', 0, 0],
    ]);
  });

  it('ip6tables -S: IPv6 rules read as IPv6, policies in their table', () => {
    const text = '-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-N KUBE-FORWARD\n-A FORWARD -j KUBE-FORWARD\n-A KUBE-FORWARD -s fd00:10:244::/56 -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT\n';
    const m = parseIptablesSave(text);
    assert.deepEqual(errors(m), []);
    const filter = table(m, 'filter');
    assert.deepEqual(policies(filter).slice(0, 3), ['INPUT=ACCEPT', 'FORWARD=DROP', 'OUTPUT=ACCEPT']);
    assert.equal(filter.rules.find((r) => r.chain.value === 'KUBE-FORWARD')?.source?.value.value, 'fd00:10:244::/56');
  });

  it('a policy iptables refuses is still a syntax error, on the word it refuses', () => {
    const cases: [string, string, RegExp][] = [
      ['-N MY-CHAIN\n-P MY-CHAIN ACCEPT\n', 'MY-CHAIN', /Bad built-in chain name/],
      ['-P INPUT REJECT\n', 'REJECT', /Bad policy name/],
      ['-P INPUT -\n', '-', /Bad policy name/],
      ['-P INPUT ACCEPT extra\n', 'extra', /Bad argument/],
      ['-P INPUT ACCEPT -c 1\n', '-c 1', /packet and a byte counter/],
      ['-P INPUT\n', '-P INPUT', /needs a chain and a policy/],
    ];
    for (const [text, word, message] of cases) {
      const m = parseIptablesSave(text);
      const syntax = m.problems.filter((p) => p.code === 'parse/iptables-syntax');
      assert.equal(syntax.length, 1, `${text}: ${JSON.stringify(syntax)}`);
      assert.match(syntax[0]!.message, message, text);
      assert.equal(text.slice(syntax[0]!.span.start, syntax[0]!.span.end), word, text);
    }
    // A refused policy declares no policy.
    assert.equal(table(parseIptablesSave('-P INPUT REJECT\n'), 'filter').chains[0]?.policy, undefined);
  });

  it('inside a *table (iptables-save format) a -P line is read as before: iptables-restore --test accepts it', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-P INPUT DROP\n-A INPUT -j ACCEPT\nCOMMIT\n';
    const m = parseIptablesSave(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.tables.length, 1);
    assert.equal(m.tables[0]!.inferred, undefined);
    assert.equal(m.tables[0]!.chains[0]!.policy?.value, 'ACCEPT');
  });

  it('a fragment of iptables-save (`:CHAIN` declarations) still says so', () => {
    const m = parseIptablesSave(':KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y\n');
    assert.match(fragmentNotes(m)[0]!, /^This is a fragment of an iptables-save dump/);
  });
});

describe('the table of a block of policies', () => {
  it('is the table with exactly these built-in chains, else the one the following lines vote for', () => {
    const none: { chain: string | undefined; target: string | undefined }[] = [];
    assert.equal(policyBlockTable(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], none).table, 'nat');
    assert.equal(policyBlockTable(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], none).table, 'mangle');
    assert.equal(policyBlockTable(['PREROUTING', 'OUTPUT'], none).table, 'raw');
    assert.deepEqual(policyBlockTable(['INPUT', 'FORWARD', 'OUTPUT'], none), { table: 'filter', strength: 3, evidence: ['-P INPUT/FORWARD/OUTPUT'], ambiguous: false });
    assert.equal(policyBlockTable(['INPUT', 'FORWARD', 'OUTPUT'], [{ chain: 'INPUT', target: 'SECMARK' }]).table, 'security');
    // nat before Linux 2.6.36 had no INPUT: mangle and nat have these three; kube-proxy's chains say nat.
    assert.equal(policyBlockTable(['PREROUTING', 'OUTPUT', 'POSTROUTING'], [{ chain: 'KUBE-SERVICES', target: 'KUBE-SVC-X' }]).table, 'nat');
    assert.equal(policyBlockTable(['PREROUTING', 'OUTPUT', 'POSTROUTING'], [{ chain: 'PREROUTING', target: 'CONNMARK' }]).table, 'mangle');
    // Without evidence the fragment's current table wins if it has the chain.
    const pre = policyBlockTable(['PREROUTING'], none, 'mangle');
    assert.deepEqual([pre.table, pre.ambiguous], ['mangle', true]);
    assert.equal(policyBlockTable(['PREROUTING'], none, 'filter').table, 'nat');
  });
});

describe('detection and lint of `iptables -S` output', () => {
  it('is detected as iptables, whatever the file is called; ipvsadm -S still as ipvsadm', () => {
    assert.equal(detectKind(NAT, 'node3.txt').kind, 'iptables');
    assert.equal(detectKind('-P PREROUTING ACCEPT\n-P OUTPUT ACCEPT\n', 'x.txt').kind, 'iptables');
    assert.equal(detectKind('-P INPUT ACCEPT -c 0 0\n-P FORWARD ACCEPT -c 0 0\n-P OUTPUT ACCEPT -c 0 0\n', 'x.txt').kind, 'iptables');
    assert.equal(detectKind('-N KUBE-SERVICES\n-A KUBE-SERVICES -j RETURN\n', 'x.txt').kind, 'iptables');
    assert.equal(detectKind('-A -t 10.96.0.1:443 -s rr\n-a -t 10.96.0.1:443 -r 192.168.1.10:6443 -m -w 1\n', 'node3.txt').kind, 'ipvsadm');
  });

  it('lints without errors; rules that need whole tables stay silent on the inferred tables', () => {
    const { doc, reports } = lintText(FILTER + NAT, { path: 'node/iptables-S.txt' });
    assert.equal(doc.kind, 'iptables');
    assert.deepEqual(reports.filter((r) => r.severity === 'error').map((r) => r.message), []);
    assert.equal(reports.filter((r) => r.ruleId === 'parse/iptables-fragment').length, 1);
    const silent = ['iptables/forward-drop-without-pod-accept', 'iptables/forward-invalid-drop', 'iptables/flannel-masquerade-without-mark-return', 'iptables/kube-postrouting-double-snat'];
    assert.deepEqual(reports.filter((r) => silent.includes(r.ruleId)).map((r) => r.ruleId), []);
  });
});
