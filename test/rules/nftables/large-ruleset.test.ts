import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, nftFixture } from './fixtures';

const RULE = 'nftables/large-ruleset';

/** kube-proxy's table with `services` Service IPs and `endpoints` endpoint chains, in the nft -f script form. */
function generated(services: number, endpoints: number): string {
  const lines = ['add table ip kube-proxy', 'add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }'];
  for (let i = 0; i < services; i++) lines.push(`add element ip kube-proxy service-ips { 10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255} . tcp . 80 : drop }`);
  for (let i = 0; i < endpoints; i++) lines.push(`add chain ip kube-proxy endpoint-AAAAAAAA-ns/svc${i}/tcp/p80__10.1.${(i >> 8) & 255}.${i & 255}/80`);
  return `${lines.join('\n')}\n`;
}

describe(RULE, () => {
  it('fires on a table with 5,000 Service IPs, on service-ips', () => {
    const text = generated(5000, 10);
    const reports = lintText(text, { path: 'node/rules.nft', only: [RULE] }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(reports.length, 1);
    assert.equal(text.slice(reports[0]!.span.start, reports[0]!.span.end), 'service-ips');
    expectMessage(reports[0], 'large', { services: 5000, endpoints: 10 });
    expectFindings([RULE], `add table ip kube-proxy\n             ^^^^^^^^^^ ${RULE}\n` + generated(3, 25000).split('\n').slice(1).join('\n'), { path: 'node/rules.nft' });
  });

  it('does not fire on ordinary tables (kernel-captured fixtures, 4,999 Services)', () => {
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt' });
    assert.equal(lintText(nftFixture('kube-proxy-dualstack.a.nft'), { path: 'n/nft.txt', only: [RULE] }).reports.filter((r) => r.ruleId === RULE).length, 0);
    assert.equal(lintText(generated(4999, 24999), { path: 'n/rules.nft', only: [RULE] }).reports.filter((r) => r.ruleId === RULE).length, 0);
  });
});
