import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { cleanup, cli, MASQ, tree } from './helpers';

after(cleanup);

/**
 * The SARIF 2.1.0 schema (the final "rtm.5" schema, JSON Schema draft-04) as published in the npm
 * package @microsoft/jest-sarif 1.0.0-beta.0 (MIT), lib/schemas/sarif-2.1.0-rtm.5.json, kept here as a fixture.
 */
const SCHEMA = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

type Sarif = { runs: { results: { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };

describe('SARIF output', () => {
  // unicodeRegExp off: the schema's language pattern has a stray ']' that only the 'u' flag rejects.
  const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(SCHEMA);

  it('validates against the SARIF 2.1.0 JSON schema, for one node, a fleet, odd file names and no findings', () => {
    const dir = tree({
      'a/iptables-save.txt': MASQ,
      'b/iptables-save.txt': `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/8 -j RETURN\n${MASQ.split('\n')[2]}\n-A NOPE -j ACCEPT\nCOMMIT\n`,
      'c/odd name #1 100%.txt': 'not a dump\n',
      'healthy/sysctl-a.txt': 'net.ipv4.ip_forward = 1\n',
    });
    for (const path of [dir, join(dir, 'a'), join(dir, 'healthy')]) {
      const r = cli(['check', '--format', 'sarif', path]);
      const sarif = JSON.parse(r.out) as unknown;
      assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 1));
    }
    // The schema is really checked: a result without a message is refused.
    const broken = JSON.parse(cli(['check', '--format', 'sarif', join(dir, 'a')]).out) as { runs: { results: Record<string, unknown>[] }[] };
    delete broken.runs[0]!.results[0]!.message;
    assert.equal(validate(broken), false);
    const odd = JSON.parse(cli(['check', '--format', 'sarif', join(dir, 'c')]).out) as Sarif;
    assert.match(odd.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, /\/odd%20name%20%231%20100%25\.txt$/);
  });

  it('gives each result partialFingerprints that survive moved lines and are the same on two nodes', () => {
    const dir = tree({
      'a/iptables-save.txt': MASQ,
      'b/iptables-save.txt': `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/8 -j RETURN\n[5:300] -A POSTROUTING -j MASQUERADE\nCOMMIT\n`,
    });
    const sarif = JSON.parse(cli(['check', '--format', 'sarif', dir]).out) as Sarif;
    const masq = sarif.runs[0]!.results.filter((r) => r.ruleId === 'iptables/masquerade-without-random-fully');
    assert.equal(masq.length, 2);
    assert.notEqual(masq[0]!.locations[0]!.physicalLocation.region.startLine, masq[1]!.locations[0]!.physicalLocation.region.startLine);
    assert.deepEqual(masq[0]!.partialFingerprints, masq[1]!.partialFingerprints);
    assert.match(masq[0]!.partialFingerprints['kubeNetlint/v1']!, /^[0-9a-f]{32}:0$/);
    // And across runs: the same input, the same fingerprints.
    assert.equal(cli(['check', '--format', 'sarif', dir]).out, cli(['check', '--format', 'sarif', dir]).out);
  });
});
