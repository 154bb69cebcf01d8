import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpvsadm } from '../../../server/src/formats/ipvsadm/parse';
import { ipvsadmHover } from '../../../server/src/formats/ipvsadm/hover';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { iptablesHover } from '../../../server/src/formats/iptables/hover';

/** Hovers on what a user reads first: ipvsadm's column headers, and iptables' `--probability` as the share it gives. */
const hoverAt = (text: string, word: string, nth = 0) => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(word, at + 1);
  assert.ok(at >= 0, word);
  return ipvsadmHover(parseIpvsadm(text), at + 1, text);
};

const LIST = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.10:53 rr
  -> 10.244.1.7:53                Masq    1      0          3
Timeout (tcp tcpfin udp): 900 120 300
`;
const STATS = `Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.96.0.1:443                      12      340      310    41234    51234
  -> 192.168.1.5:6443                   12      340      310    41234    51234
`;
const RATE = `Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  10.96.0.1:443                        0        1        1      120      140
`;

describe('ipvsadm column headers explain themselves', () => {
  for (const [text, words] of [
    [LIST, ['Prot', 'LocalAddress:Port', 'Scheduler', 'Flags', 'RemoteAddress:Port', 'Forward', 'Weight', 'ActiveConn', 'InActConn', 'Timeout', 'tcpfin']],
    [STATS, ['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes']],
    [RATE, ['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS']],
  ] as const) {
    for (const w of words) {
      it(w, () => {
        const h = hoverAt(text, w);
        assert.ok(h, `no hover on ${w}`);
        assert.equal(text.slice(h.span.start, h.span.end), w);
        assert.match(h.markdown, new RegExp(`^\\*\\*${w.replace(/[()]/g, '\\$&')}\\*\\* — ${w === 'tcpfin' ? 'tcpfin' : w === 'Timeout' ? 'Timeout' : w}`));
      });
    }
  }

  it('the header word, not its neighbour; values of rows keep their own hovers', () => {
    assert.equal(hoverAt(LIST, '(tcp')!.markdown.startsWith('**tcp** — '), true);
    // A row's InActConn value: the value hover, with the number.
    const row = LIST.indexOf('  -> 10.244.1.7:53');
    const three = LIST.indexOf('3\n', row);
    const h = ipvsadmHover(parseIpvsadm(LIST), three, LIST)!;
    assert.match(h.markdown, /^\*\*3\*\* — InActConn/);
    // The timeout numbers keep their hover.
    assert.match(hoverAt(LIST, '900')!.markdown, /^\*\*tcp 900 s\*\*/);
    // No header hover on a service row's words.
    assert.doesNotMatch(hoverAt(LIST, 'rr\n')?.markdown ?? '', /^\*\*rr\*\* — Scheduler/);
  });
});

describe('iptables --probability states the share of its endpoint', () => {
  const text = `*nat
:KUBE-SVC-X - [0:0]
:KUBE-SEP-A - [0:0]
:KUBE-SEP-B - [0:0]
:KUBE-SEP-C - [0:0]
-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A
-A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-B
-A KUBE-SVC-X -j KUBE-SEP-C
-A KUBE-SEP-B -p tcp -m tcp -j DNAT --to-destination 10.244.2.4:8080
COMMIT
`;
  const m = parseIptablesSave(text);
  it('the second of three endpoints: p = 0.5 of what is left, one third of all', () => {
    const at = text.indexOf('--probability 0.5');
    for (const offset of [at + 3, text.indexOf('0.50000000000') + 2]) {
      const h = iptablesHover(m, offset);
      assert.ok(h);
      assert.equal(text.slice(h.span.start, h.span.end), '--probability 0.50000000000');
      assert.match(h.markdown, /0\.50000000000 jump to KUBE-SEP-B \(10\.244\.2\.4:8080\)/);
      assert.match(h.markdown, /takes 33\.3 % first, so this endpoint gets \*\*33\.3 %\*\* of the Service's new connections \(endpoint 2 of 3\)/);
    }
  });
  it('the first endpoint gets its probability as it is', () => {
    const h = iptablesHover(m, text.indexOf('--probability 0.333') + 3)!;
    assert.match(h.markdown, /It is the first endpoint rule, so this endpoint gets \*\*33\.3 %\*\* of the Service's new connections \(endpoint 1 of 3\)/);
  });
});
