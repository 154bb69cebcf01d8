import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingMessage, renderMessage } from '../../server/src/rules/rule';

describe('message templates', () => {
  it('fills {name} placeholders from data, numbers included', () => {
    assert.equal(renderMessage('{n} entries of {table} ({n} total)', { n: 3, table: 'nat' }), '3 entries of nat (3 total)');
  });

  it('leaves a placeholder without data as written, and ignores data it does not name', () => {
    assert.equal(renderMessage('k3s {version} is {since}', { since: 'v1.27', extra: 'x' }), 'k3s {version} is v1.27');
    assert.equal(renderMessage('no {constructor} from the prototype', {}), 'no {constructor} from the prototype');
  });

  it('renders a finding from its rule\'s messages, or keeps its free text', () => {
    const meta = { id: 'a/b', messages: { gone: 'flannel-backend: {backend} is gone.' } };
    assert.equal(findingMessage(meta, { messageId: 'gone', data: { backend: 'ipsec' } }), 'flannel-backend: ipsec is gone.');
    assert.equal(findingMessage(meta, { message: 'free text' }), 'free text');
    assert.equal(findingMessage(meta, { messageId: 'missing' }), 'a/b: missing');
  });
});
