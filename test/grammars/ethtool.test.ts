import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar } from './tokenize';
import { assertScope, tokensOf } from './scopes';
import type { ScopeCase } from './scopes';

let g: IGrammar;
before(async () => {
  g = await loadGrammar('source.ethtool');
});
const check = (cases: readonly ScopeCase[]): void => cases.forEach((c) => assertScope(g, c));

describe('ethtool grammar', () => {
  it('scopes the "Features for X:" header', () => {
    check([
      ['Features for flannel.1:', 'Features', 'keyword.other.header.ethtool'],
      ['Features for flannel.1:', 'flannel.1', 'entity.name.section.interface.ethtool'],
      ['Features for flannel.1:', ':', 'punctuation.separator.key-value.ethtool'],
    ]);
  });

  it('scopes feature names, on/off with different scopes, [fixed] and [requested on]', () => {
    const a = '\ttx-checksum-ip-generic: off [requested on]';
    check([
      [a, 'tx-checksum-ip-generic', 'variable.parameter.feature.ethtool'],
      [a, 'off', 'markup.deleted.off.ethtool'],
      [a, 'requested', 'keyword.other.requested.ethtool'],
      [a, 'on', 'markup.inserted.on.ethtool'],
      ['rx-checksumming: on [fixed]', 'fixed', 'storage.modifier.fixed.ethtool'],
      ['rx-checksumming: on [fixed]', '[', 'punctuation.definition.annotation.begin.ethtool'],
      ['tx-udp_tnl-segmentation: off [fixed]', 'tx-udp_tnl-segmentation', 'variable.parameter.feature.ethtool'],
    ]);
    const on = tokensOf(g, 'highdma: on').find((t) => t.text === 'on');
    const off = tokensOf(g, 'highdma: off').find((t) => t.text === 'off');
    assert.ok(on?.scopes.includes('constant.language.boolean.on.ethtool'));
    assert.ok(off?.scopes.includes('constant.language.boolean.off.ethtool'));
    assert.notDeepEqual(on?.scopes, off?.scopes);
  });

  it('scopes other ethtool reports as key: value and marks errors', () => {
    check([
      ['\tSpeed: 10000Mb/s', 'Speed', 'variable.parameter.key.ethtool'],
      ['\tSpeed: 10000Mb/s', '10000', 'constant.numeric.integer.ethtool'],
      ['\tSpeed: 10000Mb/s', 'Mb/s', 'keyword.other.unit.ethtool'],
      ['\tSupported link modes:   10baseT/Half', 'Supported link modes', 'variable.parameter.key.ethtool'],
      ['\tLink detected: yes', 'yes', 'constant.language.boolean.true.ethtool'],
      ['Cannot get device settings: Operation not permitted', 'Cannot get device settings: Operation not permitted', 'invalid.illegal.error.ethtool'],
    ]);
  });
});
