import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText } from '../../helpers/ruleTester';

/**
 * Issue 14, class 5: one finding per cause. A node with Docker's bridge MASQUERADE, IPVS mode's
 * hairpin rule and kube-proxy's service masquerade gets one race finding (kube-proxy's), and a
 * version that explains the missing flag is reported once, with the rule as related information.
 */
const MASQ = 'iptables/masquerade-without-random-fully';
const OLD = 'iptables/too-old-for-random-fully';
const DUMP = readFileSync(join(__dirname, '../../fixtures/pastes/random-fully/docker-kube-proxy-ipvs.iptables-save'), 'utf8');

const at = (text: string, r: { span: { start: number; end: number } }): string => text.slice(r.span.start, r.span.end);
const lineOf = (text: string, r: { span: { start: number } }): string => {
  const s = text.lastIndexOf('\n', r.span.start - 1) + 1;
  const e = text.indexOf('\n', r.span.start);
  return text.slice(s, e < 0 ? undefined : e);
};

describe('random-fully: one finding per cause', () => {
  it("reports kube-proxy's masquerade rule only: not Docker's bridge egress nor the IPVS hairpin rule", () => {
    const found = lintText(DUMP).reports.filter((r) => r.ruleId === MASQ || r.ruleId === OLD);
    assert.equal(found.length, 1, found.map((r) => `${r.ruleId}: ${lineOf(DUMP, r)}`).join('\n'));
    assert.equal(found[0]!.ruleId, MASQ);
    assert.match(lineOf(DUMP, found[0]!), /kubernetes service traffic requiring SNAT/);
  });

  it('with an old kube-proxy: one too-old finding whose related information is the rule; no second finding on it', () => {
    const found = lintText(DUMP, { settings: { facts: { kubeProxyVersion: '1.15.3' } } }).reports.filter((r) => r.ruleId === MASQ || r.ruleId === OLD);
    assert.deepEqual(found.map((r) => r.ruleId), [OLD]);
    const rel = found[0]!.related.find((x) => /kube-proxy masquerade rule/.test(x.message))!;
    assert.equal(at(DUMP, rel), 'MASQUERADE');
    assert.match(lineOf(DUMP, rel), /kubernetes service traffic requiring SNAT/);
  });

  it('with an old host iptables: one hint on the header (the rule related), insert_failed makes it a warning', () => {
    const old = DUMP.replace('v1.8.4 (legacy)', 'v1.4.21');
    const found = lintText(old).reports.filter((r) => r.ruleId === MASQ || r.ruleId === OLD);
    assert.deepEqual(found.map((r) => `${r.ruleId} ${r.severity}`), [`${OLD} hint`]);
    const node = [{ path: 'node/conntrack-S.txt', text: 'cpu=0 found=0 invalid=3 insert=0 insert_failed=41 drop=0 early_drop=0 error=0 search_restart=1\n' }];
    const withStats = lintText(old, { node }).reports.filter((r) => r.ruleId === MASQ || r.ruleId === OLD);
    assert.deepEqual(withStats.map((r) => `${r.ruleId} ${r.severity}`), [`${OLD} warning`]);
    assert.match(withStats[0]!.message, /insert_failed = 41/);
    assert.ok(withStats[0]!.related.some((x) => x.message.startsWith('insert_failed = 41')));
  });

  it("still reports Docker's rule when the pods live on Docker's bridge (its source inside the pod network)", () => {
    // dockershim with flannel's subnet as Docker's --bip (the XING incident): docker0 carries the pods.
    const text = `*nat
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
-A POSTROUTING -s 10.244.3.0/24 ! -o docker0 -j MASQUERADE
COMMIT
`;
    const found = lintText(text).reports.filter((r) => r.ruleId === MASQ);
    assert.equal(found.length, 1);
    assert.match(lineOf(text, found[0]!), /docker0/);
    // A user-defined Docker network's bridge outside the pod network is not the race either.
    const other = text.replace('10.244.3.0/24 ! -o docker0', '172.18.0.0/16 ! -o br-5c3a9e1f0b2d');
    assert.equal(lintText(other).reports.filter((r) => r.ruleId === MASQ).length, 0);
  });

  it('in a listing, the hairpin rule (match-set KUBE-LOOP-BACK) is not reported', () => {
    const listing = `Chain KUBE-POSTROUTING (1 references)
 pkts bytes target     prot opt in     out     source               destination
    0     0 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose */ match-set KUBE-LOOP-BACK dst,dst,src
`;
    assert.equal(lintText(listing).reports.filter((r) => r.ruleId === MASQ).length, 0);
    // The same row with another set is an ordinary masquerade rule.
    assert.equal(lintText(listing.replace('KUBE-LOOP-BACK', 'MY-SET')).reports.filter((r) => r.ruleId === MASQ).length, 1);
  });
});
