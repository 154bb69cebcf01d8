import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { renderSteps, type Step } from '../../server/src/core/shell';
import { remediationScript } from '../../server/src/engine/remediation';
import type { CommandFix } from '../../server/src/rules/rule';
import { lintText } from '../helpers/ruleTester';

/**
 * Issue 11: values from a dump reach remediation commands and comments. Arbitrary text in every
 * such field goes through the real engine; the remediation script (and every fix, needs-review
 * ones included, rendered as "copy command" renders it) runs under bash with PATH holding only
 * stubs that log their argv. Nothing else may run, no file may appear, and each stub must see
 * exactly the arguments the typed fix holds.
 */

const PROGRAMS = ['iptables', 'ip6tables', 'ipvsadm', 'sysctl', 'ethtool', 'conntrack', 'udevadm', 'modprobe', 'kubectl', 'grep', 'tee', 'nft', 'ip', 'bridge'];
/** A `touch` that really creates its file: the canary the payloads try to reach. */
const TOUCH = '#!/bin/bash\nfor f in "$@"; do : > "$f"; done\n';
/** Logs argc, program name, arguments (and stdin for tee), NUL-separated, using builtins only. */
const STUB = `#!/bin/bash
data=""
if [ "\${0##*/}" = tee ]; then IFS= read -r -d '' data || true; fi
printf '%s\\0' "$#" "\${0##*/}" "$@" "$data" >> "$STUB_LOG"
`;

let root = '';
let bin = '';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'kn-inject-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  for (const p of PROGRAMS) writeFileSync(join(bin, p), STUB);
  writeFileSync(join(bin, 'touch'), TOUCH);
  for (const p of [...PROGRAMS, 'touch']) chmodSync(join(bin, p), 0o755);
});
after(() => rmSync(root, { recursive: true, force: true }));

interface Call {
  readonly argv: readonly string[];
  readonly stdin: string;
}

/** Runs `script` in a fresh empty directory; returns the stub calls and the files that appeared. */
function runScript(script: string): { calls: Call[]; files: string[]; status: number | null; stderr: string } {
  const work = mkdtempSync(join(root, 'work-'));
  const log = join(root, `${work.split('/').pop()}.log`);
  writeFileSync(log, '');
  const r = spawnSync('/bin/bash', ['-c', script], { cwd: work, env: { PATH: bin, STUB_LOG: log, HOME: work }, encoding: 'utf8', timeout: 10000 });
  const raw = readFileSync(log, 'utf8').split('\0');
  const calls: Call[] = [];
  for (let i = 0; i + 1 < raw.length; ) {
    const argc = Number(raw[i]);
    const argv = raw.slice(i + 1, i + 2 + argc);
    calls.push({ argv, stdin: raw[i + 2 + argc]! });
    i += 3 + argc;
  }
  const files = readdirSync(work);
  rmSync(work, { recursive: true, force: true });
  rmSync(log, { force: true });
  return { calls, files, status: r.status, stderr: r.stderr };
}

/** What the stubs must receive for these steps (order-free: pipeline members run concurrently). */
function intended(steps: readonly Step[]): Call[] {
  const out: Call[] = [];
  for (const s of steps) {
    if (s.kind === 'run') for (const argv of s.pipeline) out.push({ argv, stdin: '' });
    if (s.kind === 'write') out.push({ argv: ['tee', s.path], stdin: s.lines.map((l) => `${l}\n`).join('') });
  }
  return out;
}

const key = (c: Call): string => JSON.stringify([c.argv, c.argv[0] === 'tee' ? c.stdin : '']);
const sorted = (cs: readonly Call[]): string[] => cs.map(key).sort();

/** Strings an attacker would put in a field, mixed with arbitrary text. */
const ATTACKS = ['$(touch PWNED)', '`touch PWNED`', ';touch PWNED', '|touch PWNED', '&&touch PWNED', '\ntouch PWNED\n', '>PWNED', "'$(touch PWNED)'", '"$(touch PWNED)"', '${IFS}', '\r', '\u2028', '\\', '*', '~', '!'];
const payload = fc.oneof(
  fc.constantFrom(...ATTACKS),
  fc.array(fc.oneof(fc.constantFrom(...ATTACKS), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 4 }).map((a) => a.join('')),
);
/** Payloads without white space, for fields a dump separates by blanks (so the row still parses). */
const word = payload.map((s) => s.replace(/[\s\u0000]/g, ''));

const IP_LINK_BRIDGE = '4: cni0: <UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default\n    link/ether 0a:58:0a:f4:00:01 brd ff:ff:ff:ff:ff:ff\n    bridge stp_state 0\n';
const IPVS_HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

/** A kube-proxy nftables table (pod network 10.244.0.0/16) with hostile names, and a host firewall dropping pod traffic. */
function nftNode(p: string, w: string): string {
  return `table ip kube-proxy { # handle 1
  map no-endpoint-services { # handle 2
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 10.96.0.9 . tcp . 80 comment "ns/svc${w}:p80" : goto reject-chain }
  }
  chain filter-forward { # handle 3
    type filter hook forward priority filter; policy accept;
    jump x${w} # handle 4
    jump "q${p}" # handle 5
  }
  chain "x${w}" { # handle 6
  }
  chain service-42NFTM6N-ns2/svc2/tcp/p80 { # handle 7
    ip daddr 172.30.0.42 ip saddr != 10.244.0.0/16 jump mark-for-masquerade # handle 8
  }
}
table inet fw${w} { # handle 9
  chain fwd${w} { # handle 10
    type filter hook forward priority filter + 10; policy accept;
    ct state established,related accept # handle 11
    reject with icmpx admin-prohibited # handle 12
  }
}
table inet "fw2${p}" { # handle 13
  chain "in${p}" { # handle 14
    type filter hook forward priority 0; policy drop;
  }
}
`;
}

/** One dump per field that reaches a command or a comment: [path, text], with sibling files of its node when a rule needs them. */
function dumps(p: string, w: string): { path: string; text: string; node?: { path: string; text: string }[] }[] {
  return [
    // iptables -L -v: the chain name goes into `iptables -D CHAIN N`.
    { path: `n${p}/iptables-L.txt`, text: `Chain KUBE-X${w} (1 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0\n    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0\n    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0\n` },
    // ipvsadm -Ln: real server and virtual service addresses go into `ipvsadm -d -t VS -r RS`.
    { path: `n${p}/ipvsadm.txt`, text: `${IPVS_HEADER}TCP  ${w}:6443 rr\n  -> ${w}x:6443            Masq    0      3          0\n` },
    { path: `n${p}/ipvsadm2.txt`, text: `${IPVS_HEADER}TCP  10.96.0.1:443 rr\n  -> 10.0.0.5:${w}            Masq    0      3          0\n` },
    // sysctl -a: interface names in keys go into `sysctl -w KEY=2`.
    { path: `n${p}/sysctl-a.txt`, text: `net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.eth0${w}.rp_filter = 1\nnet.ipv4.conf.eth1.rp_filter = 1\n` },
    // ethtool -k: the device name goes into `ethtool -K DEV` and a udev rule.
    { path: `n${p}/ethtool-k.txt`, text: `Features for flannel.1${w}:\ntx-checksumming: on\n\ttx-checksum-ip-generic: on\n` },
    // conntrack -L: the Service address goes into `conntrack -D --orig-dst IP`.
    { path: `n${p}/conntrack-L.txt`, text: `udp      17 29 src=10.244.1.5 dst=${w} sport=41234 dport=53 [UNREPLIED] src=${w} dst=10.244.1.5 sport=53 dport=41234 mark=0 use=1\n` },
    // bridge -d link: a port name goes into `bridge link set dev PORT hairpin on`.
    { path: `n${p}/bridge-d-link.txt`, text: `5: veth${w}@eth0: <UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2\n    hairpin off guard off\n6: vethok@eth0: <UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2\n    hairpin on guard off\n` },
    // ip -d link: a pod veth's name goes into `ip link set dev VETH master BRIDGE`, an overlay's into `ip link set dev DEV mtu N`.
    { path: `n${p}/ip-d-link.txt`, text: `${IP_LINK_BRIDGE}7: veth${w}@if2: <UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default\n    link/ether 9a:00:00:00:00:0c brd ff:ff:ff:ff:ff:ff link-netnsid 0\n    veth\n` },
    { path: `n${p}/ip-d-link2.txt`, text: `2: eth0: <UP,LOWER_UP> mtu 1400 qdisc fq state UP mode DEFAULT group default\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n3: flannel${w}: <UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default\n    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n    vxlan id 1 local 10.0.0.1 dev eth0 dstport 8472 nolearning\n` },
    // sysctl -a: a CNI bridge's name (seen in ip -d link) in `sysctl -w net.ipv4.conf.IF.forwarding=1`.
    // nft -a list ruleset (nftables-mode node): table, chain names and handles go into `nft insert rule` / `nft delete rule`,
    // Service names from element comments into kubectl; nft re-parses its joined arguments, so names are checked first.
    { path: `n${p}/nft-a-list-ruleset.txt`, text: nftNode(p, w) },
    { path: `n${p}/sysctl-fwd.txt`, text: `net.ipv4.conf.cni${w}.forwarding = 0\n`, node: [{ path: `n${p}/ip-d-link.txt`, text: `4: cni${w}: <UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default\n    link/ether 0a:58:0a:f4:00:01 brd ff:ff:ff:ff:ff:ff\n    bridge stp_state 0\n` }] },
  ];
}

describe('remediation commands under hostile dump values (issue 11)', () => {
  it('run nothing but the intended commands, with exactly the typed arguments', () => {
    let withFixes = 0;
    fc.assert(
      fc.property(payload, word, (p, w) => {
        const results = dumps(p, w).map((d) => lintText(d.text, { path: d.path, node: d.node ?? [] }));
        const fixes = results.flatMap((r) => r.reports.flatMap((x) => x.fixes.filter((f): f is CommandFix => f.kind === 'command')));
        if (fixes.length > 0) withFixes++;
        // 1. The node's remediation script (folder and file names in its comments).
        const script = remediationScript({ name: `node${p}` }, results.map((r) => ({ document: r.doc, reports: r.reports })));
        const a = runScript(script);
        assert.deepEqual(a.files, [], `files appeared: ${a.files.join(', ')}\n${script}`);
        assert.equal(a.status, 0, a.stderr);
        assert.deepEqual(sorted(a.calls), sorted(fixes.filter((f) => f.safe).flatMap((f) => intended(f.steps))));
        // 2. Every fix as "copy command" gives it, needs-review ones included.
        const all = fixes.map((f) => renderSteps(f.steps)).join('\n');
        const b = runScript(all);
        assert.deepEqual(b.files, [], `files appeared: ${b.files.join(', ')}\n${all}`);
        assert.deepEqual(sorted(b.calls), sorted(fixes.flatMap((f) => intended(f.steps))));
      }),
      { seed: 1111, numRuns: 120 },
    );
    assert.ok(withFixes > 60, `only ${withFixes} of 120 runs produced command fixes: the generator no longer reaches the commands`);
  });

  it('reaches commands with the attack strings themselves where the field allows them', () => {
    // A chain name iptables accepts (tried with iptables -N) goes into the command, quoted.
    const { reports } = lintText(dumps('', '$(touch${IFS}PWNED)')[0]!.text, { path: 'n/iptables-L.txt' });
    const fix = reports.flatMap((r) => r.fixes).find((f): f is CommandFix => f.kind === 'command')!;
    assert.match(renderSteps(fix.steps), /^iptables -t filter -D 'KUBE-X\$\(touch\$\{IFS\}PWNED\)' 3$/m);
    const run = runScript(renderSteps(fix.steps));
    assert.deepEqual(run.files, []);
    assert.deepEqual(run.calls.map((c) => c.argv), [
      ['iptables', '-t', 'filter', '-D', 'KUBE-X$(touch${IFS}PWNED)', '3'],
      ['iptables', '-t', 'filter', '-D', 'KUBE-X$(touch${IFS}PWNED)', '2'],
    ]);
    // An ipvsadm port that is no number or service name never reaches a command: the removal is withheld
    // (a note says how to find the address) and only comments mention the value.
    const ipvs = lintText(dumps('', '$(touch${IFS}PWNED)')[2]!.text, { path: 'n/ipvsadm.txt' }).reports.find((r) => r.ruleId === 'ipvs/weight-zero-with-connections');
    assert.ok(ipvs, 'the draining real server is still reported');
    const text = ipvs.fixes.flatMap((f) => (f.kind === 'command' ? [renderSteps(f.steps)] : [])).join('\n');
    for (const line of text.split('\n')) if (line.includes('PWNED')) assert.match(line, /^#/);
    assert.doesNotMatch(text, /^ipvsadm -d/m);
  });

  it('never lets an nft table or chain name from a dump reach an nft command unless nft reads it as one plain word', () => {
    const hostile = lintText(nftNode('$(touch${IFS}PWNED)', ';touch${IFS}PWNED'), { path: 'n/nft-a.txt' }).reports;
    const ids = new Set(hostile.map((r) => r.ruleId));
    for (const id of ['nftables/host-firewall-drops-kube-traffic', 'nftables/foreign-objects-in-kube-proxy-table']) assert.ok(ids.has(id), `${id} still reports`);
    const nftLines = hostile.flatMap((r) => r.fixes.flatMap((f) => (f.kind === 'command' ? renderSteps(f.steps).split('\n') : []))).filter((l) => !l.startsWith('#'));
    for (const line of nftLines) assert.doesNotMatch(line, /PWNED/, line);
    assert.ok(hostile.some((r) => /No command is offered: .* is not an nft table, chain or set name nft reads as one word/.test(r.message)));
    // Plain names do reach the command, as typed arguments.
    const plain = lintText(nftNode('', ''), { path: 'n/nft-a.txt' }).reports;
    const lines = plain.flatMap((r) => r.fixes.flatMap((f) => (f.kind === 'command' ? renderSteps(f.steps).split('\n') : []))).filter((l) => l.startsWith('nft '));
    assert.deepEqual(lines.sort(), [
      'nft -a list chain ip kube-proxy x',
      'nft delete rule ip kube-proxy filter-forward handle 4',
      'nft delete rule ip kube-proxy filter-forward handle 5',
      'nft insert rule inet fw fwd position 12 ct status dnat accept',
      'nft insert rule inet fw fwd position 12 ip saddr 10.244.0.0/16 accept',
      'nft insert rule inet fw2 in ct status dnat accept',
      'nft insert rule inet fw2 in ip saddr 10.244.0.0/16 accept',
    ]);
    const run = runScript(lines.join('\n'));
    assert.deepEqual(run.files, []);
    assert.equal(run.calls.length, lines.length);
  });
});
