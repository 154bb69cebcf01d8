import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { nftFixture } from './fixtures';

const RULE = 'nftables/service-without-endpoints';

describe(RULE, () => {
  it('names the Service of each no-endpoint map element from its comment, with a read-only kubectl check', () => {
    const [reject, drop] = expectFindings(
      [RULE],
      `table ip kube-proxy {
  map no-endpoint-services {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }
                                                ^^^^^^^^^^^^^^ ${RULE}
  }
  map no-endpoint-nodeports {
    type inet_proto . inet_service : verdict
    elements = { tcp . 3001 comment "ns2/svc2:p80" : drop }
                                    ^^^^^^^^^^^^^^ ${RULE}
  }
}
`,
    );
    expectMessage(reject, 'noReadyEndpoints', { service: 'ns6/svc6:p80', element: '172.30.0.46 . tcp . 80' });
    assert.match(String(reject!.data!.what), /^its ClusterIP/);
    expectMessage(drop, 'noLocalEndpoint', { service: 'ns2/svc2:p80', what: 'its NodePort', element: 'tcp . 3001' });
    assert.equal(
      scriptOf(reject!.fixes[0] as CommandFix),
      '# Which endpoints does ns6/svc6 have, and are they ready?\nkubectl -n ns6 get endpointslices -l kubernetes.io/service-name=svc6 -o wide\nkubectl -n ns6 describe service svc6',
    );
  });

  it('reads the kernel-captured fixtures in every form nft prints (list, -a, script, JSON)', () => {
    for (const f of ['kube-proxy-ipv4.list.nft', 'kube-proxy-ipv4.a.nft', 'src/kube-proxy-ipv4.nft', 'kube-proxy-ipv4.json']) {
      const names = lintText(nftFixture(f), { path: `n/${f.replace('src/', '')}`, only: [RULE] }).reports.map((r) => r.message.split(' ')[1]);
      assert.deepEqual(names.sort(), ['ns2/svc2:p80', 'ns6/svc6:p80'], f);
    }
  });

  it('does not fire on elements without a Service comment, on other maps or outside table kube-proxy', () => {
    expectFindings(
      [RULE],
      `table ip kube-proxy {
  map no-endpoint-services {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 172.30.0.46 . tcp . 80 : goto reject-chain }
  }
  map service-ips {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }
  }
}
table ip other {
  map no-endpoint-services {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : drop }
  }
}
`,
    );
  });

  it('does not fire on a comment that is not a kube-proxy ns/name', () => {
    const { reports } = lintText(`table ip kube-proxy {\n  map no-endpoint-services {\n    type ipv4_addr . inet_proto . inet_service : verdict\n    elements = { 172.30.0.46 . tcp . 80 comment "Ns6/$(x):p80" : drop }\n  }\n}\n`, { path: 'n/nft.txt', only: [RULE] });
    assert.equal(reports.length, 0, 'a comment that is not ns/name is not a kube-proxy Service');
  });
});
