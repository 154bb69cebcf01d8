/** Editor features of the nftables format on the kernel-captured kube-proxy ruleset, in list, script and JSON form. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNftables } from '../../../server/src/formats/nftables';
import { nftablesHover } from '../../../server/src/formats/nftables/hover';
import { nftablesDefinition, nftablesOutline, nftablesReferences } from '../../../server/src/formats/nftables/navigation';
import { parseKubeProxyName } from '../../../server/src/formats/nftables/kubeProxy';
import { readFixture } from '../../helpers/golden';

const EP = 'endpoint-8C3EF8H2-ns4/svc4/tcp/p80__10.180.0.4/80';

for (const file of ['kube-proxy-ipv4.a.nft', 'src/kube-proxy-ipv4.nft', 'kube-proxy-ipv4.json']) {
  describe(`nftables features: ${file}`, () => {
    const text = readFixture(`nftables/${file}`);
    const m = parseNftables(text);
    const at = (s: string, from = 0): number => text.indexOf(s, from) + 1;
    // Where the endpoint chain is named as a verdict-map target, in the text and the JSON form.
    const use = file.endsWith('.json') ? text.indexOf(`"target": "${EP}"`) + 12 : at(`goto ${EP}`) + 5;
    const slices = (spans: { start: number; end: number }[]): string[] => spans.map((s) => text.slice(s.start, s.end));

    it('outlines the table with chains, sets and maps', () => {
      const [t] = nftablesOutline(m);
      assert.equal(t?.name, 'ip kube-proxy');
      const names = t!.children!.map((c) => c.name);
      for (const n of ['services', 'service-ips', 'cluster-ips', EP]) assert.ok(names.includes(n), n);
      for (const c of t!.children!) assert.ok(c.span.start <= c.selection.start && c.selection.end <= c.span.end, c.name);
    });

    it('goes from a verdict-map element to the endpoint chain and back', () => {
      const defs = nftablesDefinition(m, use);
      assert.equal(defs.length, 1);
      assert.equal(text.slice(defs[0]!.start, defs[0]!.end), EP);
      const refs = nftablesReferences(m, use, false);
      assert.ok(refs.length >= 1 && slices(refs).every((s) => s === EP));
    });

    it('finds every use of a named map', () => {
      const decl = m.tables[0]!.sets.find((s) => s.name.value === 'service-ips')!;
      const refs = nftablesReferences(m, decl.name.span.start + 1, true);
      assert.ok(refs.length >= 2, `${refs.length}`);
      assert.ok(slices(refs).every((s) => s === 'service-ips'));
    });

    it('hovers a numgen element with its endpoint and its share', () => {
      const h = nftablesHover(m, use, text);
      assert.ok(h, 'hover');
      assert.match(h.markdown, /endpoint chain.*ns4\/svc4.*10\.180\.0\.4:80/s);
      assert.match(h.markdown, /50 %/);
    });
  });
}

describe('nftables hovers in the listing', () => {
  const text = readFixture('nftables/kube-proxy-ipv4.list.nft');
  const m = parseNftables(text);
  it('explains symbolic priorities with what runs around them', () => {
    const h = nftablesHover(m, text.indexOf('dstnat - 10') + 2, text);
    assert.match(h!.markdown, /= -110/);
    assert.match(h!.markdown, /Runs after: .*connection tracking/);
    assert.match(h!.markdown, /Runs before: .*dstnat/);
  });
  it('names the Service a map element routes to', () => {
    const h = nftablesHover(m, text.indexOf('172.30.0.41 . tcp . 80') + 1, text);
    assert.match(h!.markdown, /service-ips.*172\.30\.0\.41 tcp 80.*ns1\/svc1/s);
  });
  it('explains keywords from the glossary', () => {
    assert.match(nftablesHover(m, text.indexOf('masquerade fully-random') + 12, text)!.markdown, /fully-random/);
    assert.match(nftablesHover(m, text.indexOf('numgen') + 1, text)!.markdown, /1\/N/);
  });
});

describe('kube-proxy names', () => {
  it('decodes service, endpoint (IPv4 and IPv6) and truncated names', () => {
    assert.deepEqual(parseKubeProxyName('service-ULMVA6XW-ns1/svc1/tcp/p80'), { role: 'service', hash: 'ULMVA6XW', namespace: 'ns1', service: 'svc1', protocol: 'tcp', port: 'p80', truncated: false });
    assert.deepEqual(parseKubeProxyName('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80')?.endpoint, { ip: '10.180.0.1', port: '80' });
    assert.deepEqual(parseKubeProxyName('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__fd00.10..1/80')?.endpoint, { ip: 'fd00:10::1', port: '80' });
    assert.equal(parseKubeProxyName('service-ips'), undefined);
  });
});
