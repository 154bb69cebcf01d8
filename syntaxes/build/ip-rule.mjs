import { R, emit } from './common.mjs';
import { address, deviceRef, e, errorLine, grammarOf, keyword, number, s } from './iproute2.mjs';

const repository = {
  error: errorLine,
  priority: { match: R`^(\d++)(:)`, captures: { 1: { name: 'constant.numeric.priority' }, 2: { name: 'punctuation.separator.priority' } } },
  lookup: { match: R`${s}(lookup|table)\s++(\S++)`, captures: { 1: { name: 'keyword.control.lookup' }, 2: { name: 'entity.name.section.table' } } },
  'device-ref': deviceRef('iif|oif'),
  all: { match: R`${s}all${e}`, name: 'constant.language.all' },
  key: keyword('from|to|fwmark|goto|suppress_prefixlength|suppress_ifgroup|uidrange|ipproto|sport|dport|tos|dsfield|realms|proto|priority|pref'),
  action: keyword('not|l3mdev|nop|blackhole|unreachable|prohibit', 'keyword.control.action'),
  detached: { match: R`${s}\[(?:detached|unresolved)\]${e}`, name: 'invalid.deprecated.detached' },
  address,
  number,
};
const patterns = ['error', 'priority', 'lookup', 'device-ref', 'all', 'key', 'action', 'detached', 'address', 'number'].map((k) => ({ include: `#${k}` }));
emit(process.argv[2], grammarOf('ip-rule', 'ip rule / ip -6 rule: PRIORITY: selector action, one rule per line. Word based, linear.', patterns, repository), 'ip-rule');
