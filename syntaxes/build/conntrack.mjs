import { R, alt, choice, emit, seq, ipv4, ipv6Token } from './common.mjs';

const tokStart = R`(?<![^\s])`;
const tokEnd = R`(?![^\s])`;

const valueEnd = tokEnd;
const valueChoice = choice([
  { re: R`${ipv4}${valueEnd}`, name: 'constant.numeric.ipv4' },
  { re: R`${ipv6Token}${valueEnd}`, name: 'constant.numeric.ipv6' },
  { re: R`0[xX][0-9A-Fa-f]++${valueEnd}`, name: 'constant.numeric.hex' },
  { re: R`\d++${valueEnd}`, name: 'constant.numeric.integer' },
  { re: R`\S++`, name: 'string.unquoted.value' },
]);
const keyValuePart = seq(
  { re: R`${tokStart}([A-Za-z_][\w-]*+)(=)`, captures: { 1: { name: 'variable.parameter.key' }, 2: { name: 'keyword.operator.assignment' } } },
  '(?:',
  valueChoice,
  ')?',
);
const flag = (word, name) => ({
  re: R`(\[)(${word})(\])`,
  captures: { 1: { name: 'punctuation.definition.flag.begin' }, 2: { name }, 3: { name: 'punctuation.definition.flag.end' } },
});
const bodyParts = [
  flag('UNREPLIED', 'constant.language.flag.unreplied'),
  flag('ASSURED', 'constant.language.flag.assured'),
  flag('[A-Z][A-Z_]*+', 'constant.language.flag'),
  {
    re: R`(\[)(active since)\s+(\d++)(s)(\])`,
    captures: {
      1: { name: 'punctuation.definition.flag.begin' },
      2: { name: 'keyword.other.active-since' },
      3: { name: 'constant.numeric.integer' },
      4: { name: 'keyword.other.unit' },
      5: { name: 'punctuation.definition.flag.end' },
    },
  },
  { re: R`${tokStart}[A-Z][A-Z0-9_]*+${tokEnd}`, name: 'constant.language.state' },
  keyValuePart,
  { re: R`(?<![\w.:])[0-9a-f]{8}(?![\w.:])`, name: 'constant.numeric.hex' },
  { re: R`${tokStart}(?:tcp|udp|udplite|icmp|icmpv6|sctp|dccp|gre|unknown)${tokEnd}`, name: 'support.constant.protocol' },
  { re: R`(?<![\w.:])\d++(?![\w.:])`, name: 'constant.numeric.integer' },
];

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'conntrack',
  scopeName: 'source.conntrack',
  comment:
    'conntrack -L / -E / -S, /proc/net/nf_conntrack, /proc/net/ip_conntrack, /proc/net/stat/nf_conntrack, conntrackd -i. ' +
    'Line based; linear regexes only.',
  patterns: [
    { include: '#summary' },
    { include: '#stats-header' },
    { include: '#elision' },
    { include: '#stats-line' },
    { include: '#entry' },
    { include: '#entry-body' },
  ],
  repository: {
    summary: {
      comment: 'conntrack v1.4.6 (conntrack-tools): 50 flow entries have been shown.',
      begin: R`^\s*(conntrack)\s+(v\d+(?:\.\d++)*)(?:\s+(\(conntrack-tools\)))?(:)`,
      beginCaptures: {
        1: { name: 'support.function.tool' },
        2: { name: 'constant.numeric.version' },
        3: { name: 'support.constant.tool-name' },
        4: { name: 'punctuation.separator.key-value' },
      },
      end: '$',
      name: 'comment.line.summary',
      patterns: [{ match: R`${tokStart}\d++${tokEnd}`, name: 'constant.numeric.integer.count' }],
    },
    'stats-header': {
      comment: '/proc/net/stat/nf_conntrack column header',
      match: R`^\s*entries\s+[a-z_]+\s.*$`,
      name: 'markup.heading.column-header',
    },
    elision: { match: R`^\s*\.\.\.\s*$`, name: 'comment.line.elision' },
    'stats-line': {
      begin: R`^\s*(?=cpu=)`,
      end: '$',
      name: 'meta.stats',
      patterns: [{ include: '#key-value' }],
    },
    entry: {
      comment: '[cat -n number] [ [NEW] ] [ipv4 2] tcp 6 [timeout] ...',
      begin: R`^\s*(?:(\d+)\s+)?(?:(\[)([A-Z]+)(\])\s+)?(?:(ipv4|ipv6)\s+(\d+)\s+)?([a-z][a-z0-9-]*+)\s+(\d+)(?:\s+(\d+))?${tokEnd}`,
      beginCaptures: {
        1: { name: 'constant.numeric.integer.line-number' },
        2: { name: 'punctuation.definition.event.begin' },
        3: { name: 'keyword.control.event' },
        4: { name: 'punctuation.definition.event.end' },
        5: { name: 'support.constant.protocol.l3' },
        6: { name: 'constant.numeric.integer.protocol-number' },
        7: { name: 'support.constant.protocol' },
        8: { name: 'constant.numeric.integer.protocol-number' },
        9: { name: 'constant.numeric.integer.timeout' },
      },
      end: '$',
      name: 'meta.entry',
      patterns: [{ include: '#entry-body' }],
    },
    'entry-body': {
      comment: 'One merged regex (speed); at one position the first alternative wins.',
      patterns: [alt(bodyParts)],
    },
    'key-value': { patterns: [alt([keyValuePart])] },
  },
};

emit(process.argv[2], grammar, 'conntrack');
