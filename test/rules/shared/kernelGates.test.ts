import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersion } from '../../../server/src/core/version';
import { kernelVerdict } from '../../../server/src/node/kernelVerdict';
import { IPVS_CONN_REUSE_GATE, VXLAN_CHECKSUM_GATE } from '../../../server/src/rules/shared/kernelGates';

const verdict = (k: string, gate = VXLAN_CHECKSUM_GATE): string => kernelVerdict(parseVersion(k)!, gate).verdict;

describe('kernel gates', () => {
  it('VXLAN checksum bug: mainline, stable back-ports and Ubuntu ABIs from the brief', () => {
    const table: [string, string][] = [
      ['5.7.0', 'fixed'],
      ['6.1.0-27-amd64', 'fixed'],
      ['5.6.12', 'affected'],
      ['5.6.13', 'fixed'],
      ['5.4.40', 'affected'],
      ['5.4.41', 'fixed'],
      ['4.19.122', 'affected'],
      ['4.19.123', 'fixed'],
      ['4.14.181', 'fixed'],
      ['4.9.200', 'affected'],
      ['4.15.0-101-generic', 'affected'],
      ['4.15.0-107-generic', 'fixed'],
      ['5.4.0-31-generic', 'affected'],
      ['5.4.0-32-aws', 'fixed'],
      ['3.10.0-1127.8.2.el7.x86_64', 'affected'],
      ['4.19.0-17-amd64', 'unknown'],
    ];
    for (const [k, v] of table) assert.equal(verdict(k), v, k);
  });

  it('IPVS conn_reuse bug: fixed from 5.9, 5.7/5.8 back-ports unknown', () => {
    assert.equal(verdict('5.9.0', IPVS_CONN_REUSE_GATE), 'fixed');
    assert.equal(verdict('5.8.3', IPVS_CONN_REUSE_GATE), 'unknown');
    assert.equal(verdict('4.19.200', IPVS_CONN_REUSE_GATE), 'affected');
    assert.equal(verdict('5.4.0-107-generic', IPVS_CONN_REUSE_GATE), 'affected', 'the 5.4 series never got the fix');
    assert.equal(verdict('4.19.0-17-amd64', IPVS_CONN_REUSE_GATE), 'affected', 'Debian 4.19 follows 4.19.y, which never got the fix');
    assert.equal(verdict('5.8.0-63-generic', IPVS_CONN_REUSE_GATE), 'unknown', 'a 5.8.y back-port exists');
  });
});
