import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iptablesHover } from '../../../server/src/formats/iptables/hover';
import {
  chainDefinition,
  chainReferences,
  endpointShares,
  iptablesInlayNotes,
  iptablesOutline,
  iptablesRuleRuns,
} from '../../../server/src/formats/iptables/navigation';
import { parseIptables } from '../../../server/src/formats/iptables';

const text = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'healthy-node', 'iptables-save.txt'), 'utf8');
const model = parseIptables(text);
const nat = model.tables.find((t) => t.name.value === 'nat')!;
const at = (needle: string, nth = 0, delta = 2): number => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not found`);
  return i + delta;
};
const slice = (s: { start: number; end: number }): string => text.slice(s.start, s.end);

describe('iptables navigation', () => {
  it('goes from a jump to the chain declaration', () => {
    const defs = chainDefinition(model, at('-j KUBE-SVC-TCOU7JCQXEZGVUNU', 0, 5));
    assert.equal(defs.length, 1);
    assert.equal(slice(defs[0]!), 'KUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.equal(text.slice(defs[0]!.start - 1, defs[0]!.start), ':', 'the declaration, not another use');
  });

  it('finds every append and jump of a chain, with or without the declaration', () => {
    const refs = chainReferences(model, at(':KUBE-SVC-TCOU7JCQXEZGVUNU', 0, 3), true);
    assert.equal(refs.length, 1 + 3 + 1, 'declaration + 3 rules in the chain + 1 jump from KUBE-SERVICES');
    assert.ok(refs.every((r) => slice(r) === 'KUBE-SVC-TCOU7JCQXEZGVUNU'));
    assert.equal(chainReferences(model, at(':KUBE-SVC-TCOU7JCQXEZGVUNU', 0, 3), false).length, 4);
  });

  it('does not navigate from a built-in target', () => {
    assert.deepEqual(chainDefinition(model, at('-j DNAT', 0, 4)), []);
  });

  it('computes effective endpoint shares from the statistic cascade', () => {
    const shares = endpointShares(nat, 'KUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.deepEqual(shares.map((s) => [s.destination, s.share]), [
      ['10.244.1.7:53', 0.5],
      ['10.244.2.4:53', 0.5],
    ]);
    const three = parseIptables(
      '*nat\n:KUBE-SVC-A - [0:0]\n' +
        '-A KUBE-SVC-A -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-1\n' +
        '-A KUBE-SVC-A -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-2\n' +
        '-A KUBE-SVC-A -j KUBE-SEP-3\nCOMMIT\n',
    );
    const s3 = endpointShares(three.tables[0]!, 'KUBE-SVC-A').map((s) => Math.round(s.share * 1000) / 10);
    assert.deepEqual(s3, [33.3, 33.3, 33.3]);
  });

  it('shows the shares as inline notes after each probability', () => {
    const notes = iptablesInlayNotes(model, { start: 0, end: text.length });
    assert.deepEqual(notes.map((n) => n.label), ['→ 50.0 %', '→ 50.0 %']);
    assert.equal(text.slice(notes[0]!.offset - 13, notes[0]!.offset), '0.50000000000');
  });

  it('outlines tables with their chains, the Service each kube-proxy chain serves, and folds rule runs', () => {
    const outline = iptablesOutline(model);
    assert.deepEqual(outline.map((t) => t.name), ['mangle', 'nat', 'filter']);
    const svc = outline[1]!.children!.find((c) => c.name === 'KUBE-SVC-TCOU7JCQXEZGVUNU')!;
    assert.equal(svc.detail, '3 rules, kube-system/kube-dns:dns');
    assert.equal(slice(outline[1]!.span).split('\n').pop(), 'COMMIT');
    const runs = iptablesRuleRuns(model).map((r) => slice(r).split('\n').length);
    assert.ok(runs.includes(6), 'the six FLANNEL-POSTRTG rules fold together');
  });

  it('hovers a service chain with its Service and endpoints', () => {
    const h = iptablesHover(model, at('-j KUBE-SVC-TCOU7JCQXEZGVUNU', 0, 5))!;
    assert.equal(slice(h.span), 'KUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.match(h.markdown, /→ Service `kube-system\/kube-dns:dns`/);
    assert.match(h.markdown, /\| `10\.244\.1\.7:53` \| 50\.0 % \|/);
  });

  it('hovers options, targets, tables and policies', () => {
    assert.match(iptablesHover(model, at('--random-fully'))!.markdown, /Fully randomised source-port/);
    assert.match(iptablesHover(model, at('-j MASQUERADE', 0, 5))!.markdown, /SNAT to the address of the outgoing interface/);
    assert.match(iptablesHover(model, at('*nat', 0, 2))!.markdown, /nat table/);
    assert.match(iptablesHover(model, at(':INPUT ACCEPT', 0, 9))!.markdown, /policy ACCEPT/);
    assert.equal(iptablesHover(model, at('# Generated', 0, 3)), undefined);
  });

  it('works on the iptables -L listing too', () => {
    const listing = 'Chain KUBE-SERVICES (2 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 KUBE-SVC-A  tcp  --  *      *       0.0.0.0/0            10.96.0.1            /* default/kubernetes:https cluster IP */ tcp dpt:443\n\nChain KUBE-SVC-A (1 references)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 KUBE-SEP-1  all  --  *      *       0.0.0.0/0            0.0.0.0/0\n';
    const m = parseIptables(listing);
    assert.equal(m.variant, 'listing');
    const jump = listing.indexOf('KUBE-SVC-A  tcp') + 2;
    const defs = chainDefinition(m, jump);
    assert.equal(listing.slice(defs[0]!.start, defs[0]!.end), 'KUBE-SVC-A');
    assert.equal(defs[0]!.start, listing.indexOf('Chain KUBE-SVC-A') + 6);
  });
});

describe('iptables header hover', () => {
  const hoverOn = (dump: string, needle: string): { text: string; markdown: string } | undefined => {
    const h = iptablesHover(parseIptables(dump), dump.indexOf(needle) + 1);
    return h && { text: dump.slice(h.span.start, h.span.end), markdown: h.markdown };
  };
  const dump = (header: string): string => `${header}\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n`;

  it('explains the tool, the backend and the version with what it means for the version gates', () => {
    const d = dump('# Generated by iptables-nft-save v1.8.2 on Tue Mar  5 10:00:00 2019');
    assert.equal(hoverOn(d, 'iptables-nft-save')!.text, 'iptables-nft-save');
    assert.match(hoverOn(d, 'iptables-nft-save')!.markdown, /nf_tables backend only/);
    const nft = dump('# Generated by iptables-save v1.8.2 (nf_tables) on Tue Mar  5 10:00:00 2019');
    const v = hoverOn(nft, '1.8.2')!;
    assert.equal(v.text, '1.8.2');
    assert.match(v.markdown, /\(nf_tables\): the iptables that wrote this dump/);
    assert.match(v.markdown, /`iptables -C` is broken in iptables-nft 1\.8\.0–1\.8\.2/);
    assert.doesNotMatch(v.markdown, /Older than 1\.6\.2/);
    assert.match(hoverOn(nft, 'nf_tables)')!.markdown, /^\*\*backend `nf_tables`\*\*.*iptables-legacy-save/s);
  });

  it('gates notes on version and backend', () => {
    assert.match(hoverOn(dump('# Generated by iptables-save v1.6.1 on Tue Mar  5 10:00:00 2019'), '1.6.1')!.markdown, /Older than 1\.6\.2: MASQUERADE has no `--random-fully`/);
    assert.match(hoverOn(dump('# Generated by iptables-save v1.8.2 (legacy) on Tue'), '1.8.2')!.markdown, /No known iptables problem in this release/);
    assert.match(hoverOn(dump('# Generated by iptables-save v1.8.10 (nf_tables) on Tue'), '1.8.10')!.markdown, /1\.8\.10 brought back a broken `iptables -C`/);
    assert.match(hoverOn(dump('# Generated by iptables-save v1.8.9 (nf_tables) on Tue'), '1.8.9')!.markdown, /No known iptables problem/);
  });

  it('explains the legacy-tables warning banner, and says nothing on the rest of the header line', () => {
    const d = `# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n${dump('# Generated by iptables-save v1.8.7 (nf_tables) on Tue')}`;
    assert.match(hoverOn(d, 'Warning')!.markdown, /only the nf_tables half of the node's rules/);
    assert.equal(hoverOn(d, 'Generated'), undefined);
  });
});
