/**
 * A rule of the iptables-save model keeps its chain, target name and span, basic matches and
 * counters, and reads its command, matches and target options from its line the first time they
 * are asked for (server/src/formats/iptables/saveModel.ts). These tests pin that contract: what
 * is read later is what the parse checked, whatever the order rules are read in.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { SaveRule } from '../../../server/src/formats/iptables/saveModel';
import { FIXTURES, readFixture } from '../../helpers/golden';
import { renderSave } from './saveRender';

const KUBE = [
  '*nat',
  ':KUBE-SERVICES - [0:0]',
  ':KUBE-SVC-A - [0:0]',
  ':KUBE-SEP-A - [0:0]',
  '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-A',
  '-A KUBE-SVC-A -m comment --comment "kube-system/kube-dns:dns" -j KUBE-SEP-A',
  '-A KUBE-SEP-A -p udp -m udp -j DNAT --to-destination 10.244.0.5:53',
  'COMMIT',
  '',
].join('\n');

function saveRules(text: string): SaveRule[] {
  return parseIptablesSave(text).tables.flatMap((t) => t.rules.map((r) => (assert.ok(r instanceof SaveRule), r as SaveRule)));
}

describe('iptables-save rules read their details on first access', () => {
  it('keeps chain, target and basic matches from the parse, and reads nothing else until asked', () => {
    const [service, , dnat] = saveRules(KUBE);
    assert.ok(service && dnat);
    assert.equal(service.chain.value, 'KUBE-SERVICES');
    assert.equal(service.target?.name.value, 'KUBE-SVC-A');
    assert.equal(service.destination?.value.value, '10.96.0.10/32');
    assert.equal(service.protocol?.value.value, 'udp');
    assert.equal(service.det, undefined, 'chain, target name and basic matches do not read the line');
    // A target without options answers without reading the line either.
    assert.deepEqual(service.target?.options, []);
    assert.equal(service.det, undefined);
    assert.equal(dnat.det, undefined);
  });

  it('reads matches, command and target options once, then keeps them', () => {
    const [service, , dnat] = saveRules(KUBE);
    assert.ok(service && dnat);
    const matches = service.matches;
    assert.deepEqual(
      matches.map((m) => [m.name.value, m.options.map((o) => [o.name.value, o.values.map((v) => v.value)])]),
      [
        ['comment', [['--comment', ['kube-system/kube-dns:dns cluster IP']]]],
        ['udp', [['--dport', ['53']]]],
      ],
    );
    assert.equal(service.matches, matches, 'read once: the same objects on every access');
    assert.equal(service.command.value, '-A');
    const to = dnat.target?.options.find((o) => o.name.value === '--to-destination');
    assert.equal(to?.values[0]?.value, '10.244.0.5:53');
    assert.equal(KUBE.slice(to!.values[0]!.span.start, to!.values[0]!.span.end), '10.244.0.5:53');
    assert.equal(KUBE.slice(dnat.target!.span.start, dnat.target!.span.end), '-j DNAT --to-destination 10.244.0.5:53');
  });

  it('reads a rule whose target chain is declared only after it as the parse did', () => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j LATER --log-prefix x', ':LATER - [0:0]', '-A INPUT -j LATER --log-prefix y', 'COMMIT', ''].join('\n');
    const m = parseIptablesSave(text);
    // Only the second rule's option is reported: when the first was read, LATER was not a chain yet.
    assert.deepEqual(
      m.problems.map((p) => text.slice(p.span.start, p.span.end)),
      ['--log-prefix'],
    );
    assert.equal(m.problems[0]!.span.start, text.indexOf('--log-prefix y'));
    const rules = m.tables[0]!.rules;
    assert.deepEqual(
      rules.map((r) => r.target?.options.map((o) => `${o.name.value} ${o.values.map((v) => v.value).join(' ')}`)),
      [['--log-prefix x'], ['--log-prefix y']],
    );
  });

  it('gives the same model whatever order the rules are read in (every real fixture)', () => {
    const names = readdirSync(`${FIXTURES}/iptables`).filter((f) => f.endsWith('.txt'));
    assert.ok(names.length > 20);
    for (const f of names) {
      const text = readFixture(`iptables/${f}`);
      const inOrder = parseIptablesSave(text);
      const reversed = parseIptablesSave(text);
      // Read every rule's details back to front (and the second table before the first).
      for (const t of [...reversed.tables].reverse()) for (const r of [...t.rules].reverse()) void r.matches;
      assert.equal(renderSave(text, reversed), renderSave(text, inOrder), f);
    }
  });
});
