import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConntrack } from '../../../server/src/formats/conntrack';
import { conntrackHover, conntrackOutline } from '../../../server/src/formats/conntrack/hover';

const text =
  'tcp      6 86390 ESTABLISHED src=192.168.1.21 dst=10.96.5.5 sport=40000 dport=80 src=10.244.2.9 dst=10.244.1.0 sport=8080 dport=61027 [ASSURED] mark=0 use=1\n' +
  'udp      17 29 src=10.244.1.7 dst=10.96.0.10 sport=43145 dport=53 [UNREPLIED] src=10.244.2.3 dst=10.244.1.7 sport=53 dport=43145 mark=0 use=1\n' +
  'cpu=0   \tfound=12 invalid=345 insert=0 insert_failed=2 drop=0 early_drop=0 error=5 search_restart=17 clash_resolve=9 chaintoolong=0\n';
const model = parseConntrack(text);
const hover = (needle: string, d = 1): string => conntrackHover(model, text.indexOf(needle) + d, text)?.markdown ?? '';

describe('conntrack hover and outline', () => {
  it('reads the tuples: which side was NATed and how', () => {
    const h = hover('dst=10.96.5.5');
    assert.match(h, /Original direction/);
    assert.match(h, /\*\*DNAT\*\*: sent to `10\.96\.5\.5:80`, answered by `10\.244\.2\.9:8080`/);
    assert.match(h, /\*\*SNAT\/MASQUERADE\*\*: source `192\.168\.1\.21:40000` rewritten to `10\.244\.1\.0:61027`/);
    assert.match(hover('src=10.244.2.3'), /Reply direction/);
  });

  it('explains states, flags, timeouts and protocols', () => {
    assert.match(hover('ESTABLISHED'), /Handshake complete/);
    assert.match(hover('[UNREPLIED]'), /no packet has been seen in the reply direction/);
    assert.match(hover('86390'), /expires in 24\.0 h\*\* \(86390 s\)/);
    assert.match(hover('udp'), /UDP \(protocol 17\)/);
    assert.match(hover('mark=0'), /Conntrack mark/);
  });

  it('explains conntrack -S counters with the kernel-version caveat', () => {
    const h = hover('insert_failed=2', 3);
    assert.match(h, /\*\*insert_failed\*\* = 2 on CPU 0/);
    assert.match(h, /Before kernel 5\.10 it also counted clashes/);
  });

  it('outlines entry counts and the statistics table', () => {
    const o = conntrackOutline(model);
    assert.equal(o[0]!.name, '2 entries');
    assert.deepEqual(o[0]!.children!.map((c) => `${c.name}:${c.detail}`), ['tcp:1', 'udp:1', 'ESTABLISHED:1']);
    assert.equal(o[1]!.name, 'conntrack -S');
  });

  it('says nothing off any token', () => {
    assert.equal(conntrackHover(model, text.indexOf('      6') + 2, text), undefined);
  });
});
