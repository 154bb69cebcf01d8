import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { skewSignature } from '../../../server/src/formats/iptables/skew';
import { isComplete, table, targetName } from '../../../server/src/formats/iptables/query';
import { lintText } from '../../helpers/ruleTester';

const SKEW = 'parse/iptables-version-skew';
const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/pastes/skew', name), 'utf8');
const at = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

describe('iptables-save written by another iptables (version / back-end skew)', () => {
  it('gives one warning for the file instead of 2 errors per garbled DNAT line; the errors are its related information', () => {
    const text = fixture('host-legacy-1.8.4.iptables-save');
    const { reports } = lintText(text);
    const parse = reports.filter((r) => r.ruleId.startsWith('parse/'));
    assert.deepEqual(parse.map((r) => r.ruleId), [SKEW]);
    const r = parse[0]!;
    assert.equal(r.severity, 'warning');
    assert.match(at(text, r.span), /^-A KUBE-SEP-2QX5D7MKX7OS3ZWO -p tcp .*--to-destination {2}--random/);
    assert.match(r.message, /^3 rules are printed in a way no iptables writes/);
    assert.match(r.message, /iptables 1\.8\.4 \(legacy\), which wrote this dump/);
    assert.match(r.message, /iptables -V/);
    assert.match(r.message, /kubectl exec -n kube-system <kube-proxy pod> -- iptables-save/);
    assert.match(r.message, /their 6 syntax errors are folded/);
    // Each folded error points at the garbled text it was about, in this file.
    assert.equal(r.related.length, 6);
    for (const rel of r.related) assert.equal(rel.document.uri, reports[0]!.related[0]?.document.uri ?? rel.document.uri);
    assert.deepEqual(r.related.map((x) => x.message).filter((m) => /bad IP address ''/.test(m)).length, 3);
    assert.ok(r.related.some((x) => /can be given only once/.test(x.message)));
  });

  it('keeps the rules (chain, target) and marks the table incomplete, so absence-based rules stay silent', () => {
    const text = fixture('host-legacy-1.8.4.iptables-save');
    const model = parseIptablesSave(text);
    const nat = table(model, 'nat')!;
    const dnat = nat.rules.filter((x) => targetName(x) === 'DNAT');
    assert.equal(dnat.length, 3);
    assert.equal(isComplete(model, nat), false);
    // The same dump, written by a matching iptables, is complete and has no skew note.
    const clean = parseIptablesSave(text.replace(/--to-destination {2}--random (?:--persistent )?/g, ''));
    assert.equal(clean.problems.length, 0);
    assert.equal(isComplete(clean, table(clean, 'nat')!), true);
  });

  it("reads '[unsupported revision]' (iptables-nft decoding a newer match) as skew: no FORWARD DROP false alarm", () => {
    const text = fixture('nft-unsupported-revision.iptables-save');
    const { reports } = lintText(text);
    assert.deepEqual(reports.filter((r) => r.ruleId.startsWith('parse/')).map((r) => r.ruleId), [SKEW]);
    assert.match(reports.find((r) => r.ruleId === SKEW)!.message, /^1 rule is printed/);
    assert.equal(reports.filter((r) => r.ruleId === 'iptables/forward-drop-without-pod-accept').length, 0);
  });

  it('does not take ordinary errors for skew', () => {
    const text = '*nat\n:X - [0:0]\n-A X -j DNAT --to-destination 10.0.0.300:80\n-A X -p tcp --dport 80 -j DNAT\nCOMMIT\n';
    const codes = parseIptablesSave(text).problems.map((p) => p.code);
    assert.ok(codes.length > 0);
    assert.ok(!codes.includes(SKEW));
  });

  it('signature table', () => {
    const yes = [
      '-A S -p tcp -m tcp -j DNAT --to-destination  --random --to-destination 10.0.0.1:80',
      '-A S -j DNAT --to-destination 10.0.0.1:80 --to-destination 10.0.0.2:80',
      '-A P -j SNAT --to-source  --random-fully --to-source 192.0.2.1',
      '-A P -j DNAT --to-destination',
      '-A F -m conntrack [unsupported revision] -j ACCEPT',
    ];
    const no = [
      '-A S -p tcp -m tcp -j DNAT --to-destination 10.0.0.1:80',
      '-A P -j MASQUERADE --to-ports 30000-40000 --random-fully',
      '-A P -m comment --comment "--to-destination  x" -j ACCEPT',
      // Rules joined by JSON-escaped newlines (one physical line, several rules): not one mis-printed rule.
      '-A S1 -p tcp -j DNAT --to-destination 10.0.0.1:53\\n-A S2 -p tcp -j DNAT --to-destination 10.0.0.2:53',
    ];
    for (const l of yes) assert.equal(skewSignature(l), true, l);
    for (const l of no) assert.equal(skewSignature(l), false, l);
  });
});
