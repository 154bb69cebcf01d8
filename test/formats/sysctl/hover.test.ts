import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSysctl } from '../../../server/src/formats/sysctl';
import { sysctlHover, sysctlOutline } from '../../../server/src/formats/sysctl/hover';
import { procPath } from '../../../server/src/formats/sysctl/glossary';

const text = 'kernel.osrelease = 5.4.0-107-generic\nnet.ipv4.conf.eth0.rp_filter = 1\nnet.ipv4.ip_forward = 0\nnet.ipv4.vs.conn_reuse_mode = 1\nfs.custom_thing = 3\n';
const model = parseSysctl(text);
const at = (needle: string, d = 1): number => text.indexOf(needle) + d;

describe('sysctl hover and outline', () => {
  it('explains a key with its meaning, default, /proc path and kernel docs', () => {
    const h = sysctlHover(model, at('net.ipv4.ip_forward'))!;
    assert.equal(text.slice(h.span.start, h.span.end), 'net.ipv4.ip_forward');
    assert.match(h.markdown, /Must be 1 on Kubernetes nodes/);
    assert.match(h.markdown, /Default: `0`/);
    assert.match(h.markdown, /`\/proc\/sys\/net\/ipv4\/ip_forward` — \[kernel documentation\]\(https:\/\/docs\.kernel\.org\/networking\/ip-sysctl\.html\)/);
  });

  it('matches per-interface keys and explains coded values', () => {
    assert.match(sysctlHover(model, at('net.ipv4.conf.eth0.rp_filter'))!.markdown, /\(`net\.ipv4\.conf\.<if>\.rp_filter`\)/);
    const v = sysctlHover(model, at('= 1\nnet.ipv4.ip_forward', 2))!;
    assert.match(v.markdown, /strict: breaks asymmetric routing/);
    assert.match(sysctlHover(model, at('conn_reuse_mode = 1', 18))!.markdown, /first SYN is dropped/);
  });

  it('gives unknown keys their documented path at least', () => {
    const h = sysctlHover(model, at('fs.custom_thing'))!;
    assert.match(h.markdown, /\/proc\/sys\/fs\/custom_thing/);
    assert.match(h.markdown, /admin-guide\/sysctl\/fs/);
  });

  it('maps slashes inside a component back to dots in /proc paths', () => {
    assert.equal(procPath('net.ipv4.conf.eth0/100.rp_filter'), '/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
  });

  it('outlines keys grouped by their first two components', () => {
    assert.deepEqual(sysctlOutline(model).map((g) => [g.name, g.children!.length]), [
      ['kernel.osrelease', 1],
      ['net.ipv4', 3],
      ['fs.custom_thing', 1],
    ]);
  });
});
