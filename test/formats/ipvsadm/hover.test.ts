import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpvsadm } from '../../../server/src/formats/ipvsadm';
import { ipvsadmHover, ipvsadmOutline } from '../../../server/src/formats/ipvsadm/hover';

const text = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'ipvs-conn-reuse', 'ipvsadm-Ln.txt'), 'utf8');
const model = parseIpvsadm(text);
const hover = (needle: string, d = 1): string => ipvsadmHover(model, text.indexOf(needle) + d)?.markdown ?? '';

describe('ipvsadm hover and outline', () => {
  it('summarises a virtual service from its real servers', () => {
    assert.match(hover('10.96.41.7:80'), /\*\*virtual service TCP 10\.96\.41\.7:80\*\* \(rr\): 2 real servers \(1 at weight 0, draining\); 15 active, 398 inactive connections\./);
  });

  it('explains columns, schedulers, forwarding and the version line', () => {
    assert.match(hover(' rr\n  -> 10.244.1.31', 1), /round robin/);
    assert.match(hover('Masq    0', 0), /NAT \(masquerading\)/);
    assert.match(hover('Masq    0      3', 8), /draining: kube-proxy deletes it/);
    assert.match(hover('Masq    0      3', 15), /ActiveConn: IPVS connection entries in ESTABLISHED/);
    assert.match(hover('IP Virtual Server'), /IPVS 1\.2\.1\*\*, connection hash table of 4096 buckets/);
  });

  it('outlines virtual services with their real servers', () => {
    const o = ipvsadmOutline(model);
    assert.deepEqual(o.map((s) => s.name), ['TCP 10.96.0.1:443', 'TCP 10.96.0.10:53', 'TCP 10.96.41.7:80', 'UDP 10.96.0.10:53']);
    assert.deepEqual(o[2]!.children!.map((c) => c.detail), ['Masq, weight 1, 12/211 conns', 'Masq, weight 0, 3/187 conns']);
  });
});
