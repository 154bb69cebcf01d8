import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { assertGolden, assertSpansInside, collectSpans, FIXTURES, readFixture } from '../../helpers/golden';
import type { Span } from '../../../server/src/core/span';
import type { IptMatch, IptRule } from '../../../server/src/formats/iptables/model';
import { parseIptablesListing, type ListingRule } from '../../../server/src/formats/iptables/parseListing';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { renderListing } from './listingRender';

const slice = (text: string, s: Span): string => text.slice(s.start, s.end);
const firstRule = (text: string): ListingRule => {
  const m = parseIptablesListing(text);
  assert.deepEqual(m.problems, []);
  return m.tables[0]!.rules[0]!;
};
/** Matches as save-style `name --opt value...` strings, for comparing with iptables-save. */
const shape = (ms: readonly IptMatch[]): string[] =>
  ms.map((m) => [m.name.value, ...m.options.map((o) => `${o.negation ? '! ' : ''}${o.name.value} ${o.values.map((v) => v.value).join(' ')}`.trim())].join(' '));

const V_HEADER = ' pkts bytes target     prot opt in     out     source               destination';

describe('iptables listing parser: chains and columns', () => {
  it('reads -v rows: counters with K/M suffixes, columns, negated interfaces and addresses', () => {
    const text = [
      'Chain INPUT (policy ACCEPT 2446 packets, 535K bytes)',
      V_HEADER,
      ' 2446  535K KUBE-FIREWALL  all  --  docker0 !docker0  !10.244.0.0/16        10.96.0.1           ',
    ].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.variant, 'listing');
    const input = m.tables[0]!.chains[0]!;
    assert.equal(input.builtin, true);
    assert.equal(input.policy?.value, 'ACCEPT');
    assert.equal(slice(text, input.policy!.span), 'ACCEPT');
    assert.equal(input.counters?.packets, 2446);
    assert.equal(input.counters?.bytes, 535000);
    assert.equal(input.counters?.approximate, true);
    assert.equal(slice(text, input.counters!.span), '2446 packets, 535K bytes');
    assert.equal(slice(text, input.counters!.bytesText.span), '535K');
    const r = input.rules[0]!;
    assert.equal(r.counters?.packets, 2446);
    assert.equal(r.counters?.bytes, 535000);
    assert.equal(r.target?.name.value, 'KUBE-FIREWALL');
    assert.equal(r.protocol, undefined, "'all' is left out, as iptables-save leaves out -p");
    assert.equal(r.inInterface?.value.value, 'docker0');
    assert.equal(r.inInterface?.negation, undefined);
    assert.equal(r.outInterface?.value.value, 'docker0');
    assert.equal(slice(text, r.outInterface!.negation!), '!');
    assert.equal(slice(text, r.outInterface!.value.span), 'docker0');
    assert.equal(r.source?.value.value, '10.244.0.0/16');
    assert.equal(slice(text, r.source!.negation!), '!');
    assert.equal(r.destination?.value.value, '10.96.0.1');
    assert.equal(r.table, 'filter');
    assert.equal(r.chain.value, 'INPUT');
    assert.equal(slice(text, r.chain.span), 'INPUT');
    assert.equal(r.command.value, '-A');
    assert.equal(r.command.span.start, r.command.span.end, 'the synthetic -A has an empty span');
    assert.equal(r.command.span.start, text.indexOf('2446  535K'));
    assert.equal(r.line, 2);
    assert.equal(slice(text, r.span), '2446  535K KUBE-FIREWALL  all  --  docker0 !docker0  !10.244.0.0/16        10.96.0.1');
  });

  it('expands every counter suffix and marks only suffixed values approximate', () => {
    const text = ['Chain X (1 references)', V_HEADER, '  12G    3T ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0', '99999 12345 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0'].join('\n');
    const [a, b] = parseIptablesListing(text).tables[0]!.rules;
    assert.equal(a!.counters?.packets, 12e9);
    assert.equal(a!.counters?.bytes, 3e12);
    assert.equal(a!.counters?.approximate, true);
    assert.equal(b!.counters?.packets, 99999);
    assert.equal(b!.counters?.approximate, false);
  });

  it('reads user chains with references, (0 references) and an empty target column', () => {
    const text = [
      'Chain KUBE-MARK-DROP (0 references)',
      V_HEADER,
      '    0     0            ipv6-icmp --  *      *       ::/0                 ::/0                 ipv6-icmptype 1 code 0',
      '    0     0            all  --  *      *       ::/0                 ::/0',
    ].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(m.problems, []);
    const c = m.tables[0]!.chains[0]!;
    assert.equal(c.builtin, false);
    assert.equal(c.references, 0);
    assert.equal(c.policy, undefined);
    const [icmp, all] = c.rules;
    assert.equal(icmp!.target, undefined);
    assert.equal(icmp!.columns.target, undefined);
    assert.equal(icmp!.protocol?.value.value, 'ipv6-icmp');
    assert.deepEqual(shape(icmp!.matches), ['icmp6 --icmpv6-type 1/0']);
    assert.equal(slice(text, icmp!.matches[0]!.options[0]!.values[0]!.span), '1 code 0');
    assert.equal(all!.target, undefined);
    assert.equal(all!.source, undefined, '::/0 is "any"');
  });

  it('reads --line-numbers and -x columns', () => {
    const text = [
      'Chain FORWARD (policy DROP 123456789 packets, 98765432100 bytes)',
      'num      pkts      bytes target     prot opt in     out     source               destination',
      '1     123456 9876543210 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:443',
      '2          0          0 DROP       0    !f  *      *       0.0.0.0/0            0.0.0.0/0',
    ].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(m.problems, []);
    const c = m.tables[0]!.chains[0]!;
    assert.equal(c.counters?.bytes, 98765432100);
    assert.equal(c.counters?.approximate, false);
    const [r1, r2] = c.rules;
    assert.equal(r1!.number, 1);
    assert.equal(r1!.counters?.bytes, 9876543210);
    assert.equal(r1!.protocol?.value.value, 'tcp', 'protocol number 6 is named like iptables-save names it');
    assert.equal(slice(text, r1!.protocol!.value.span), '6');
    assert.deepEqual(shape(r1!.matches), ['tcp --dport 443']);
    assert.equal(r2!.number, 2);
    assert.equal(r2!.protocol, undefined, "protocol 0 is 'all'");
    assert.equal(slice(text, r2!.fragment!.span), '!f');
    assert.equal(slice(text, r2!.fragment!.negation!), '!');
  });

  it('reads listings without -v (no counters, no in/out) and the -f opt column', () => {
    const text = ['Chain INPUT (policy ACCEPT)', 'target     prot opt source               destination', 'DROP       all  -f  0.0.0.0/0            0.0.0.0/0', 'ACCEPT     !tcp --  1.2.3.4              0.0.0.0/0'].join('\n');
    const [drop, accept] = firstRuleList(text);
    assert.equal(drop!.counters, undefined);
    assert.equal(slice(text, drop!.fragment!.span), '-f');
    assert.equal(drop!.fragment!.negation, undefined);
    assert.equal(accept!.protocol?.value.value, 'tcp');
    assert.equal(slice(text, accept!.protocol!.negation!), '!');
    assert.equal(accept!.source?.value.value, '1.2.3.4');
  });
});

function firstRuleList(text: string): readonly ListingRule[] {
  const m = parseIptablesListing(text);
  assert.deepEqual(m.problems, []);
  return m.tables[0]!.rules;
}

describe('iptables listing parser: match and target text', () => {
  const row = (target: string, prot: string, tail: string): string =>
    `Chain X (1 references)\ntarget     prot opt source               destination\n${target.padEnd(10)} ${prot.padEnd(4)} --  0.0.0.0/0            0.0.0.0/0            ${tail}`;

  it('maps comments, mark, conntrack, state and addrtype with negations', () => {
    const text = row('RETURN', 'all', '/* kubernetes service portals */ mark match ! 0x4000/0x4000 ! ctstate INVALID,NEW state RELATED,ESTABLISHED ADDRTYPE match src-type !LOCAL dst-type LOCAL');
    const r = firstRule(text);
    assert.deepEqual(shape(r.matches), [
      'comment --comment kubernetes service portals',
      'mark ! --mark 0x4000/0x4000',
      'conntrack ! --ctstate INVALID,NEW',
      'state --state RELATED,ESTABLISHED',
      'addrtype ! --src-type LOCAL --dst-type LOCAL',
    ]);
    const comment = r.matches[0]!.options[0]!;
    assert.equal(slice(text, comment.values[0]!.span), 'kubernetes service portals');
    assert.equal(slice(text, comment.span), '/* kubernetes service portals */');
    const mark = r.matches[1]!;
    assert.equal(slice(text, mark.name.span), 'mark match');
    assert.equal(slice(text, mark.options[0]!.negation!), '!');
    assert.equal(slice(text, mark.span), 'mark match ! 0x4000/0x4000');
    const ct = r.matches[2]!;
    assert.equal(slice(text, ct.span), '! ctstate INVALID,NEW');
    assert.equal(slice(text, r.matches[4]!.options[0]!.negation!), '!');
    assert.ok(r.matches.every((x) => !x.explicit));
  });

  it('maps tcp/udp ports, port ranges, tcp flags and multiport', () => {
    const text = row('ACCEPT', 'tcp', 'tcp spts:1024:65535 dpt:!80 flags:0x17/0x02 multiport dports 80,443');
    const r = firstRule(text);
    assert.deepEqual(shape(r.matches), ['tcp --sport 1024:65535 ! --dport 80 --tcp-flags 0x17 0x02', 'multiport --dports 80,443']);
    const tcp = r.matches[0]!;
    assert.equal(slice(text, tcp.options[0]!.name.span), 'spts');
    assert.equal(slice(text, tcp.options[0]!.values[0]!.span), '1024:65535');
    assert.equal(slice(text, tcp.options[1]!.negation!), '!');
    assert.equal(slice(text, tcp.options[1]!.values[0]!.span), '80');
    assert.equal(slice(text, tcp.options[2]!.values[1]!.span), '0x02');
    const udp = firstRule(row('ACCEPT', 'udp', 'udp spt:53'));
    assert.deepEqual(shape(udp.matches), ['udp --sport 53']);
  });

  it('maps statistic, recent, match-set, physdev and limit', () => {
    const text = row(
      'KUBE-SEP-X',
      'all',
      'statistic mode random probability 0.33333333349 recent: CHECK seconds: 10800 reap name: KUBE-SEP-X side: source mask: 255.255.255.255 ! match-set KUBE-CLUSTER-IP dst,dst PHYSDEV match --physdev-is-in ! --physdev-out eth0 limit: avg 1/sec burst 5',
    );
    const r = firstRule(text);
    assert.deepEqual(shape(r.matches), [
      'statistic --mode random --probability 0.33333333349',
      'recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X --rsource --mask 255.255.255.255',
      'set ! --match-set KUBE-CLUSTER-IP dst,dst',
      'physdev --physdev-is-in ! --physdev-out eth0',
      'limit --limit 1/sec --limit-burst 5',
    ]);
    const recent = r.matches[1]!;
    assert.equal(slice(text, recent.options[3]!.values[0]!.span), 'KUBE-SEP-X');
    assert.equal(slice(text, recent.options[4]!.name.span), 'side: source');
  });

  it('maps DNAT, SNAT, MASQUERADE, MARK, REJECT and LOG target text to target options', () => {
    const dnatText = row('DNAT', 'tcp', '/* ns/svc:http */ tcp to:10.244.1.5:8080');
    const dnat = firstRule(dnatText);
    assert.deepEqual(shape(dnat.matches), ['comment --comment ns/svc:http', 'tcp']);
    const to = dnat.target!.options[0]!;
    assert.equal(to.name.value, '--to-destination');
    assert.equal(to.values[0]!.value, '10.244.1.5:8080');
    assert.equal(slice(dnatText, to.values[0]!.span), '10.244.1.5:8080');
    assert.equal(slice(dnatText, to.name.span), 'to');
    assert.equal(dnat.target!.span.start, dnatText.indexOf('DNAT'));
    assert.equal(dnat.target!.span.end, dnatText.length);

    const opts = (target: string, tail: string): string[] =>
      firstRule(row(target, 'all', tail)).target!.options.map((o) => `${o.name.value} ${o.values.map((v) => v.value).join(' ')}`.trim());
    assert.deepEqual(opts('MASQUERADE', 'masq ports: 1024-65535 random-fully'), ['--to-ports 1024-65535', '--random-fully']);
    assert.deepEqual(opts('MASQUERADE', 'random'), ['--random']);
    assert.deepEqual(opts('SNAT', 'to:1.2.3.4 random-fully persistent'), ['--to-source 1.2.3.4', '--random-fully', '--persistent']);
    assert.deepEqual(opts('MARK', 'MARK or 0x4000'), ['--or-mark 0x4000']);
    assert.deepEqual(opts('MARK', 'MARK xor 0x4000'), ['--xor-mark 0x4000']);
    assert.deepEqual(opts('MARK', 'MARK set 0x8000'), ['--set-mark 0x8000']);
    assert.deepEqual(opts('MARK', 'MARK and 0xffffbfff'), ['--and-mark 0xffffbfff']);
    assert.deepEqual(opts('MARK', 'MARK xset 0x4000/0xffffffff'), ['--set-xmark 0x4000/0xffffffff']);
    assert.deepEqual(opts('REJECT', 'reject-with icmp-port-unreachable'), ['--reject-with icmp-port-unreachable']);
    assert.deepEqual(opts('LOG', 'LOG flags 3 level 4 prefix "a \\"b*/ c: "'), ['--log-tcp-sequence', '--log-tcp-options', '--log-level 4', '--log-prefix a \\"b*/ c:']);
    const logText = row('LOG', 'all', 'LOG flags 0 level 4 prefix "IPTABLES UDP-IN: "');
    const prefix = firstRule(logText).target!.options.find((o) => o.name.value === '--log-prefix')!.values[0]!;
    assert.equal(prefix.value, 'IPTABLES UDP-IN: ', 'the prefix keeps its trailing blank');
    assert.equal(slice(logText, prefix.span), '"IPTABLES UDP-IN: "', 'like iptables-save tokens, the span covers the quotes');
    assert.deepEqual(opts('CT', 'CT notrack'), ['--notrack']);
  });

  it('keeps unknown phrases as a `?` match with the raw text, without problems, around known ones', () => {
    const text = row('ACCEPT', 'all', 'owner UID match 1000  /* x */ frag id:1337');
    const r = firstRule(text);
    assert.deepEqual(r.matches.map((x) => x.name.value), ['?', 'comment', '?']);
    const unknown = r.matches[0]!.options[0]!.values[0]!;
    assert.equal(unknown.value, 'owner UID match 1000');
    assert.equal(slice(text, unknown.span), 'owner UID match 1000');
    assert.equal(r.matches[2]!.options[0]!.values[0]!.value, 'frag id:1337');
    // a negation before an unknown phrase stays in its raw text
    const neg = firstRule(row('ACCEPT', 'all', '! owner socket exists'));
    assert.equal(neg.matches[0]!.options[0]!.values[0]!.value, '! owner socket exists');
  });

  it('reads [goto] as a goto target', () => {
    const r = firstRule(row('KUBE-X', 'all', '[goto] /* x */'));
    assert.equal(r.target?.kind, 'goto');
    assert.deepEqual(shape(r.matches), ['comment --comment x']);
  });

  it('produces the same matches and target as iptables-save for kube-proxy rules', () => {
    const listing = [
      'Chain KUBE-SVC-X (1 references)',
      'target     prot opt source               destination',
      'KUBE-MARK-MASQ  tcp  -- !10.244.0.0/16        10.96.0.10           /* kube-system/kube-dns:dns-tcp cluster IP */ tcp dpt:53',
      'KUBE-SEP-A  all  --  0.0.0.0/0            0.0.0.0/0            /* kube-system/kube-dns:dns-tcp */ statistic mode random probability 0.50000000000',
      'DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            /* ns/svc */ tcp to:10.244.0.25:53',
      'MASQUERADE  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service traffic requiring SNAT */ mark match 0x4000/0x4000 random-fully',
    ].join('\n');
    const save = [
      '*nat',
      ':KUBE-SVC-X - [0:0]',
      '-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.10 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-X -m comment --comment kube-system/kube-dns:dns-tcp -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A',
      '-A KUBE-SVC-X -p tcp -m comment --comment ns/svc -m tcp -j DNAT --to-destination 10.244.0.25:53',
      '-A KUBE-SVC-X -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully',
      'COMMIT',
    ].join('\n');
    const l = parseIptablesListing(listing);
    const s = parseIptablesSave(save);
    assert.deepEqual(l.problems, []);
    assert.deepEqual(s.problems, []);
    const view = (r: IptRule): unknown => ({
      source: r.source && [r.source.value.value, !!r.source.negation],
      destination: r.destination?.value.value,
      protocol: r.protocol?.value.value,
      matches: shape(r.matches),
      target: r.target && [r.target.kind, r.target.name.value, ...r.target.options.map((o) => `${o.name.value} ${o.values.map((v) => v.value).join(' ')}`.trim())],
    });
    assert.deepEqual(l.tables[0]!.rules.map(view), s.tables[0]!.rules.map(view));
    assert.equal(l.tables[0]!.name.value, 'nat');
  });
});

describe('iptables listing parser: tables, pastes and problems', () => {
  it('splits several pasted tables and infers each table with its reason', () => {
    const text = [
      'Chain INPUT (policy ACCEPT)',
      'target     prot opt source               destination',
      'Chain FORWARD (policy DROP)',
      'Chain OUTPUT (policy ACCEPT)',
      'Chain KUBE-FORWARD (1 references)',
      '',
      'Chain PREROUTING (policy ACCEPT)',
      'Chain INPUT (policy ACCEPT)',
      'Chain OUTPUT (policy ACCEPT)',
      'Chain POSTROUTING (policy ACCEPT)',
      'Chain KUBE-POSTROUTING (1 references)',
      'target     prot opt source               destination',
      'MASQUERADE  all  --  0.0.0.0/0            0.0.0.0/0',
    ].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.tables.map((t) => t.name.value), ['filter', 'nat']);
    assert.deepEqual(m.tables.map((t) => t.chains.length), [4, 5]);
    const nat = m.tables[1]!;
    assert.equal(nat.inference.method, 'rules');
    assert.match(nat.inference.reason, /MASQUERADE/);
    assert.deepEqual(nat.inference.candidates, ['nat', 'mangle']);
    assert.equal(nat.name.span.start, nat.name.span.end, 'an inferred name points at no text');
    assert.equal(slice(text, nat.span), 'Chain PREROUTING (policy ACCEPT)');
    assert.equal(nat.rules[0]!.table, 'nat');
    assert.equal(m.tables[0]!.inference.method, 'rules');
    assert.equal(m.tables[0]!.chains.find((c) => c.name.value === 'KUBE-FORWARD')?.builtin, false);
  });

  it('infers from built-in chains alone: nat without FORWARD, filter, mangle, raw', () => {
    const name = (chains: string[]): string =>
      parseIptablesListing(chains.map((c) => `Chain ${c} (policy ACCEPT)`).join('\n')).tables[0]!.name.value;
    assert.equal(name(['PREROUTING', 'OUTPUT', 'POSTROUTING']), 'nat');
    assert.equal(name(['INPUT', 'FORWARD', 'OUTPUT']), 'filter');
    assert.equal(name(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']), 'mangle');
    assert.equal(name(['PREROUTING', 'OUTPUT']), 'raw');
    const only = parseIptablesListing('Chain KUBE-X (0 references)');
    assert.equal(only.tables[0]!.name.value, 'filter');
    assert.equal(only.tables[0]!.inference.method, 'default');
  });

  it('takes the table from a pasted command line and starts a new table there', () => {
    const text = ['$ sudo iptables -t nat -L -n', 'Chain INPUT (policy ACCEPT)', 'root@node:~# iptables -nvL', 'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)'].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.tables.map((t) => [t.name.value, t.inference.method]), [['nat', 'command'], ['filter', 'command']]);
    assert.equal(slice(text, m.tables[0]!.name.span), 'nat');
  });

  it('accepts a common indentation, a legacy warning anywhere and blank lines', () => {
    const text = [
      '    Chain FORWARD (policy DROP)',
      '    target     prot opt source               destination         ',
      '',
      '    ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED',
      'Warning: iptables-legacy tables present, use iptables-legacy to see them',
      '    # Warning: iptables-legacy tables present, use iptables-legacy to see them',
      '    ACCEPT     tcp  --  0.0.0.0/0            0.0.0.0/0            state NEW',
    ].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(m.problems, []);
    assert.equal(slice(text, m.legacyTablesWarning!), 'Warning: iptables-legacy tables present, use iptables-legacy to see them');
    const rules = m.tables[0]!.rules;
    assert.equal(rules.length, 2);
    assert.deepEqual(shape(rules[1]!.matches), ['state --state NEW']);
    assert.equal(slice(text, rules[1]!.span), 'ACCEPT     tcp  --  0.0.0.0/0            0.0.0.0/0            state NEW');
  });

  it('reports a row before any Chain line and a truncated row, and keeps the rest', () => {
    const text = [
      'ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0',
      'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
      V_HEADER,
      '    0     0 ACCEPT     all  --  *',
      '    0     0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* cut here',
    ].join('\n');
    const m = parseIptablesListing(text);
    // The cut rows are one truncation note (info, as in every format), at the first cut, with the count.
    assert.deepEqual(m.problems.map((p) => [p.code, p.severity]), [['parse/iptables-listing', undefined], ['parse/iptables-truncated', 'info']]);
    assert.equal(slice(text, m.problems[0]!.span), 'ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0');
    assert.match(m.problems[0]!.message, /before any 'Chain' line/);
    assert.match(m.problems[1]!.message, /ends after '\*' where the out column should follow \(truncated paste\?\); 1 more place is cut short the same way$/);
    assert.equal(slice(text, m.problems[1]!.span), '0     0 ACCEPT     all  --  *');
    assert.equal(m.tables[0]!.complete, false, 'a table with a cut row is not whole');
    const rules = m.tables[0]!.rules;
    assert.deepEqual(rules.map((r) => r.target?.name.value), ['DROP']);
    assert.equal(rules[0]!.matches[0]!.options[0]!.values[0]!.value, 'cut here');
  });

  it('reports unreadable Chain lines and garbage rows on their exact text', () => {
    const text = ['Chain INPUT (policy', 'Chain KUBE-X', 'target     prot opt source               destination', 'hello world this is prose'].join('\n');
    const m = parseIptablesListing(text);
    assert.deepEqual(
      m.problems.map((p) => slice(text, p.span)),
      ['(policy', 'Chain KUBE-X', 'this'],
    );
    assert.match(m.problems[2]!.message, /not a rule row/);
    assert.deepEqual(m.tables[0]!.chains.map((c) => c.name.value), ['INPUT', 'KUBE-X']);
  });
});

describe('iptables listing parser: bad input', () => {
  it('returns an empty model for empty and blank input', () => {
    for (const t of ['', '\n\n', '   \t \r\n']) {
      const m = parseIptablesListing(t);
      assert.deepEqual(m.tables, []);
      assert.deepEqual(m.problems, []);
    }
  });

  it('reports binary noise as problems inside the text and never throws', () => {
    const text = '\u0000\u0001\u00ff\ufffd garbage\u0000\nChain \u0000 (policy\u0007';
    const m = parseIptablesListing(text);
    assert.ok(m.problems.length >= 1);
    assertSpansInside(text, collectSpans(m));
  });

  it('reads CRLF and lone CR line ends without leaking \\r into values', () => {
    const lf = readFixture('iptables-list/qifangsu-kube-nat-L-n-v-flannel-docker.txt');
    for (const eol of ['\r\n', '\r']) {
      const text = lf.replace(/\n/g, eol);
      const a = parseIptablesListing(lf);
      const b = parseIptablesListing(text);
      assert.deepEqual(b.problems, []);
      const values = (m: typeof a): string[] => m.tables.flatMap((t) => t.rules.flatMap((r) => [r.target?.name.value ?? '', ...shape(r.matches)]));
      assert.deepEqual(values(b), values(a));
      assert.ok(!values(b).some((v) => v.includes('\r')));
      assertSpansInside(text, collectSpans(b));
    }
  });

  it('reads tabs between columns', () => {
    const text = 'Chain X (1 references)\ntarget\tprot\topt\tsource\tdestination\nACCEPT\ttcp\t--\t0.0.0.0/0\t0.0.0.0/0\ttcp dpt:22';
    const r = firstRule(text);
    assert.deepEqual(shape(r.matches), ['tcp --dport 22']);
  });

  it('stays linear on a large paste', () => {
    const row = '    0     0 KUBE-SEP-AAAAAAAAAAAAAAAA  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* ns/svc:http */ statistic mode random probability 0.50000000000';
    const text = ['Chain KUBE-SVC-X (1 references)', V_HEADER, ...Array<string>(50_000).fill(row)].join('\n');
    const t0 = Date.now();
    const m = parseIptablesListing(text);
    const ms = Date.now() - t0;
    assert.equal(m.tables[0]!.rules.length, 50_000);
    // Generous bound (CI machines are shared); a quadratic step would take minutes here.
    assert.ok(ms < 30_000, `50k rows took ${ms} ms`);
    // Pathological single lines: an unclosed comment full of ' */x' and a 1 MB quoted run.
    const nasty = `Chain X (1 references)\nLOG all -- 0.0.0.0/0 0.0.0.0/0 /* ${' */x'.repeat(200_000)} LOG prefix "${'"x'.repeat(200_000)}`;
    const t1 = Date.now();
    parseIptablesListing(nasty);
    assert.ok(Date.now() - t1 < 5_000);
  });
});

const FIXTURE_DIR = join(FIXTURES, 'iptables-list');
const fixtureNames = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.txt')).sort();

describe('iptables listing parser: real fixtures (golden)', () => {
  it('has all 13 real listing fixtures', () => {
    assert.equal(fixtureNames.length, 13);
  });
  for (const name of fixtureNames) {
    it(`renders ${name}`, () => {
      const text = readFixture(`iptables-list/${name}`);
      const m = parseIptablesListing(text);
      assertSpansInside(text, collectSpans(m));
      // Only what the paste layer says about how the text was pasted (one note per cause).
      assert.deepEqual(m.problems.filter((p) => p.code !== 'parse/paste'), [], 'real listings parse without problems');
      for (const p of m.problems) assert.equal(p.severity, 'info');
      assert.ok(m.tables.length > 0 && m.tables.every((t) => t.chains.length > 0));
      assertGolden(`iptables-list/${name.replace(/\.txt$/, '.golden.txt')}`, renderListing(text, m));
    });
  }
});

describe('iptables listing parser: properties', () => {
  const corpus = fixtureNames.map((n) => readFixture(`iptables-list/${n}`));
  const check = (text: string): void => {
    const m = parseIptablesListing(text);
    assertSpansInside(text, collectSpans(m));
    for (const t of m.tables) for (const r of t.rules) assert.ok(r.span.start <= r.span.end && r.line >= 0);
  };

  it('never throws and keeps every span inside the text under random edits', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ maxLength: 12 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), s: fc.constantFrom('!', '/*', ' */', '"', '\t', '\r', '\n', '\u0000', 'Chain ', ' -- ', 'K', 'to:', '[goto]', '(policy') }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(edit, { maxLength: 8 }), (idx, edits) => {
        let text = corpus[idx]!;
        for (const e of edits) {
          const at = text.length === 0 ? 0 : e.at % (text.length + 1);
          if (e.kind === 'insert') text = text.slice(0, at) + e.s + text.slice(at);
          else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.n);
          else if (e.kind === 'replace') text = text.slice(0, at) + e.s + text.slice(at + e.s.length);
          else text = text.slice(0, at);
        }
        check(text);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on CRLF, tab-expanded and binary variants of real fixtures', () => {
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.uint8Array({ maxLength: 64 }), fc.boolean(), (idx, bytes, crlf) => {
        let text = corpus[idx]!;
        if (crlf) text = text.replace(/\n/g, '\r\n');
        text = text.replace(/ {4}/g, '\t');
        const noise = String.fromCharCode(...bytes);
        check(text.slice(0, text.length >> 1) + noise + text.slice(text.length >> 1));
      }),
      { numRuns: 200 },
    );
  });

  it('parses any row it accepts into at least its target and columns (random row text)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('tcp', 'dpt:80', '!', 'mark', 'match', '0x1', '/*', '*/', 'x', 'recent:', 'name:', 'to:1.2.3.4', 'MARK', 'or', '"', 'state', 'NEW'), { maxLength: 14 }), (ws) => {
        const text = `Chain X (1 references)\ntarget     prot opt source               destination\nDNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            ${ws.join(' ')}`;
        const m = parseIptablesListing(text);
        assertSpansInside(text, collectSpans(m));
        const r = m.tables[0]!.rules[0]!;
        assert.equal(r.target?.name.value, 'DNAT');
        // nothing is lost: every non-blank character of the tail lies inside some match or target option
        const covered = [...r.matches.map((x) => x.span), ...r.target!.options.map((o) => o.span)];
        const tail = r.columns.text;
        if (tail) {
          for (let i = tail.span.start; i < tail.span.end; i++) {
            if (text[i] === ' ') continue;
            assert.ok(covered.some((s) => s.start <= i && i < s.end), `character ${i} '${text[i]}' of '${tail.value}' is not covered`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
