import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, node } from './fixtures';

const RULE = 'nftables/mode-prerequisites';
const annotated = KUBE_PROXY_TABLE.replace('table ip kube-proxy {\n', `table ip kube-proxy {\n         ^^^^^^^^^^ ${RULE}\n`);
const JSON_OLD_NFT = '{"nftables": [{"metainfo": {"version": "0.9.8", "release_name": "E.D.S.", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "kube-proxy", "handle": 1}}]}';

describe(RULE, () => {
  it('fires when the kernel is older than 5.13 (from uname -r in the node folder)', () => {
    const [r] = expectFindings([RULE], annotated, { path: 'node/nft.txt', node: node(['uname-r.txt', '5.10.0-28-amd64\n']) });
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'kernelTooOld', { kernel: '5.10.0-28-amd64', kernelFrom: 'from node/uname-r.txt', minKernel: '5.13' });
  });

  it('fires when the nft -j capture was printed by an nft older than 1.0.0', () => {
    const reports = lintText(JSON_OLD_NFT, { path: 'node/nft.json', only: [RULE] }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(reports.length, 1);
    expectMessage(reports[0], 'nftTooOld', { nft: '0.9.8', path: 'node/nft.json', minNft: '1.0.0' });
  });

  it('does not fire on kernel 5.13+, with nft 1.0.0+, without table kube-proxy, or when a kube-proxy config already says nftables (kube-proxy/nftables-prerequisites reports it)', () => {
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(['uname-r.txt', '6.1.0-18-amd64\n']) });
    expectFindings([RULE], 'table inet filter {\n}\n', { path: 'node/nft.txt', node: node(['uname-r.txt', '5.4.0\n']) });
    const config = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n';
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(['uname-r.txt', '5.10.0\n'], ['kube-proxy.yaml', config]) });
    assert.equal(lintText(JSON_OLD_NFT.replace('0.9.8', '1.0.6'), { path: 'node/nft.json', only: [RULE] }).reports.length, 0);
  });
});
