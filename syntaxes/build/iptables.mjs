import { R, alt, choice, emit, seq, ipv4, ipv4Prefix, ipv6Token } from './common.mjs';

const counter = R`\d+[KMGTP]?`;
const targets = [
  'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'NFQUEUE', 'LOG', 'NFLOG', 'ULOG', 'MASQUERADE', 'SNAT', 'DNAT',
  'REDIRECT', 'NETMAP', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TRACE', 'CHECKSUM', 'TPROXY', 'TCPMSS', 'TCPOPTSTRIP',
  'TOS', 'DSCP', 'TTL', 'HL', 'CLASSIFY', 'SET', 'AUDIT', 'CLUSTERIP', 'ECN', 'IDLETIMER', 'LED', 'RATEEST',
  'SECMARK', 'CONNSECMARK', 'SYNPROXY', 'TEE', 'HMARK', 'MIRROR', 'SAME', 'ROUTE', 'TARPIT', 'CONNTRACK',
].join('|');
const protocols = [
  'tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'sctp', 'dccp', 'esp', 'ah', 'gre', 'all', 'ipip',
  'igmp', 'mh', 'ipv6-mh', 'ospf', 'pim', 'vrrp', 'l2tp', 'ipv6', 'ipencap', 'ipv6-frag', 'ipv6-route',
].join('|');
const listingModules = 'ADDRTYPE|PHYSDEV|MARK|CONNMARK|LOG|NFLOG|CT|TOS|DSCP|CHECKSUM|TCPMSS|TPROXY|SNAT|DNAT|MASQUERADE|REDIRECT|REJECT';
const tokStart = R`(?<![^\s])`; // at line start or after whitespace
const tokEnd = R`(?![^\s])`; // at line end or before whitespace

const chainNameParts = [
  { re: R`(?<![^\s:])(?:PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)${tokEnd}`, name: 'support.function.chain.builtin' },
  { re: R`(?<![^\s:])KUBE-\S*+`, name: 'entity.name.function.chain.kube-proxy' },
  { re: R`(?<![^\s:])(?:FLANNEL-|CNI-|cali-|CILIUM_|DOCKER|WEAVE)\S*+`, name: 'entity.name.type.chain.cni' },
  { re: R`(?<![^\s:])\S++`, name: 'variable.other.chain.user' },
];

const policyParts = [
  { re: R`${tokStart}(?:ACCEPT|DROP|QUEUE|RETURN)${tokEnd}`, name: 'constant.language.policy' },
  { re: R`${tokStart}-${tokEnd}`, name: 'constant.language.policy.none' },
  { re: R`[^\s\[]\S*+`, name: 'invalid.illegal.policy' },
];
const targetParts = [{ re: R`(?<![^\s:])(?:${targets})${tokEnd}`, name: 'keyword.control.target' }, ...chainNameParts];

// One regex (unrolled loop, possessive: linear); an unterminated string runs to the end of the line.
const stringPart = {
  re: R`(")[^"\\]*+(?:(\\.)[^"\\]*+)*+(")?`,
  captures: {
    1: { name: 'punctuation.definition.string.begin' },
    2: { name: 'constant.character.escape' },
    3: { name: 'punctuation.definition.string.end' },
  },
};

const optionParts = [
  { re: R`${tokStart}!`, name: 'keyword.operator.negation' },
  seq(
    { re: R`${tokStart}(-j|--jump|-g|--goto)`, captures: { 1: { name: 'keyword.control.jump' } } },
    R`(?:\s+(?=[^\s!"])`,
    choice(targetParts),
    ')?',
  ),
  {
    re: R`${tokStart}(-m|--match)(?:\s+([^\s!"-]\S*+))?`,
    captures: { 1: { name: 'keyword.other.match' }, 2: { name: 'support.type.module' } },
  },
  {
    re: R`${tokStart}(--comment)(?:\s+([^\s"]\S*+))?`,
    captures: { 1: { name: 'variable.parameter.option.comment' }, 2: { name: 'string.unquoted.comment' } },
  },
  {
    re: R`${tokStart}(-[io]|--(?:in|out)-interface|--physdev-(?:in|out))(?:\s+(?:(!)\s*)?([^\s!"-]\S*+))?`,
    captures: {
      1: { name: 'variable.parameter.option' },
      2: { name: 'keyword.operator.negation' },
      3: { patterns: [{ include: '#interface' }] },
    },
  },
  { re: R`${tokStart}-?-random-fully${tokEnd}`, name: 'keyword.other.random-fully' },
  { re: R`${tokStart}--?[A-Za-z0-9][\w-]*+`, name: 'variable.parameter.option' },
];

const valueParts = [
  {
    // bracketed IPv6 with port: [fd00::10]:53
    re: R`(\[)(${ipv6Token})(\])(?:(:)(\d+)(?:([-:])(\d+))?)?`,
    captures: {
      1: { name: 'punctuation.definition.address.begin' },
      2: { name: 'constant.numeric.ipv6' },
      3: { name: 'punctuation.definition.address.end' },
      4: { name: 'punctuation.separator.port' },
      5: { name: 'constant.numeric.port' },
      6: { name: 'punctuation.separator.range' },
      7: { name: 'constant.numeric.port' },
    },
  },
  { re: R`(?<![\w:.])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![\w:.])`, name: 'constant.other.mac-address' },
  { re: R`(?<![\w:.])${ipv6Token}(?:/\d{1,3})?(?![\w:.])`, name: 'constant.numeric.ipv6' },
  {
    re: R`(?<![\w.])(${ipv4Prefix})(?:(:)(\d+)(?:([-:])(\d+))?)?(?![\w.])`,
    captures: {
      1: { name: 'constant.numeric.ipv4' },
      2: { name: 'punctuation.separator.port' },
      3: { name: 'constant.numeric.port' },
      4: { name: 'punctuation.separator.range' },
      5: { name: 'constant.numeric.port' },
    },
  },
  { re: R`(?<![\w.])0[xX][0-9A-Fa-f]++(?:/0[xX][0-9A-Fa-f]++)?(?![\w.])`, name: 'constant.numeric.hex' },
  { re: R`(?<![^\s,])(?:NEW|ESTABLISHED|RELATED|INVALID|UNTRACKED|SNAT|DNAT)(?![^\s,])`, name: 'constant.language.state' },
  { re: R`(?<![^\s,])(?:${protocols})(?![^\s,])`, name: 'support.constant.protocol' },
  { re: R`(?<![\w.])\d++\.\d++(?![\w.:])`, name: 'constant.numeric.decimal' },
  {
    re: R`(?<![\w.])(\d++)(?:(:)(\d++))?(?![\w.:])`,
    captures: { 1: { name: 'constant.numeric.integer' }, 2: { name: 'punctuation.separator.range' }, 3: { name: 'constant.numeric.integer' } },
  },
];

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'iptables',
  scopeName: 'source.iptables',
  comment:
    'iptables-save / ip6tables-save (optionally -c) and `iptables -L -n [-v] [--line-numbers]` listings. ' +
    'Line based: every rule ends at the end of its line. Regexes are linear: no nested ambiguous quantifiers, ' +
    'possessive runs where a token can be long, begin/end rules for quoted text.',
  patterns: [
    { include: '#comment-line' },
    { include: '#table-header' },
    { include: '#chain-declaration' },
    { include: '#commit' },
    { include: '#rule' },
    { include: '#listing-chain-header' },
    { include: '#listing-column-header' },
    { include: '#tool-message' },
    { include: '#listing-row-verbose' },
    { include: '#listing-row' },
    { include: '#rule-body' },
  ],
  repository: {
    'comment-line': {
      patterns: [
        {
          comment: '"# Warning: iptables-legacy tables present, use iptables-legacy-save to see them"',
          match: R`^\s*(#)\s*(Warning:.*)$`,
          name: 'comment.line.number-sign',
          captures: { 1: { name: 'punctuation.definition.comment' }, 2: { name: 'invalid.deprecated.warning' } },
        },
        {
          begin: R`^\s*(#)`,
          beginCaptures: { 1: { name: 'punctuation.definition.comment' } },
          end: '$',
          name: 'comment.line.number-sign',
          patterns: [
            { match: R`(?<![^\s])v\d+(?:\.\d++)+\b`, name: 'constant.numeric.version' },
            { match: R`(\()(nf_tables|legacy)(\))`, captures: { 1: { name: 'punctuation.definition.backend.begin' }, 2: { name: 'support.constant.backend' }, 3: { name: 'punctuation.definition.backend.end' } } },
          ],
        },
      ],
    },
    'table-header': {
      match: R`^\s*(\*)(\S+)`,
      name: 'meta.table.header',
      captures: { 1: { name: 'punctuation.definition.table' }, 2: { name: 'entity.name.section.table' } },
    },
    'chain-declaration': (() => {
      const m = seq(
        R`^\s*`,
        { re: '(:)', captures: { 1: { name: 'punctuation.definition.chain' } } },
        choice(chainNameParts),
        R`(?:\s+`,
        choice(policyParts),
        R`)?(?:\s+(\[)(\d+)(:)(\d+)(\]))?`,
      );
      const n = Math.max(...Object.keys(m.captures).map(Number));
      return {
        match: m.re,
        name: 'meta.chain.declaration',
        captures: {
          ...m.captures,
          [n + 1]: { name: 'punctuation.definition.counters.begin' },
          [n + 2]: { name: 'constant.numeric.integer.packets' },
          [n + 3]: { name: 'punctuation.separator.counters' },
          [n + 4]: { name: 'constant.numeric.integer.bytes' },
          [n + 5]: { name: 'punctuation.definition.counters.end' },
        },
      };
    })(),
    policy: {
      patterns: [
        alt(policyParts),
      ],
    },
    commit: { match: R`^\s*(COMMIT)\b`, captures: { 1: { name: 'keyword.control.commit' } } },
    rule: (() => {
      const m = seq(
        R`^\s*(?:(\[)(\d+)(:)(\d+)(\])\s*)?(-[AIDRN]|--(?:append|insert|delete|replace|new-chain))(?![^\s])(?:\s+`,
        choice(chainNameParts),
        ')?',
      );
      return {
        begin: m.re,
        beginCaptures: {
          1: { name: 'punctuation.definition.counters.begin' },
          2: { name: 'constant.numeric.integer.packets' },
          3: { name: 'punctuation.separator.counters' },
          4: { name: 'constant.numeric.integer.bytes' },
          5: { name: 'punctuation.definition.counters.end' },
          6: { name: 'keyword.control.command' },
          ...m.captures,
        },
        end: '$',
        name: 'meta.rule',
        patterns: [{ include: '#rule-body' }],
      };
    })(),
    'chain-name': {
      comment: 'Classifies a chain name: built-in, kube-proxy (KUBE-*), CNI/container runtime, other user chain.',
      patterns: [alt(chainNameParts)],
    },
    'target-or-chain': {
      patterns: [alt(targetParts)],
    },
    'rule-body': {
      comment: 'Options and values of a rule, merged into few regexes (speed); alternatives keep pattern priority.',
      patterns: [alt([{ ...stringPart, name: 'string.quoted.double' }, ...optionParts]), alt(valueParts)],
    },
    negation: {
      patterns: [{ match: R`${tokStart}!`, name: 'keyword.operator.negation' }],
    },
    interface: {
      patterns: [
        { match: R`!`, name: 'keyword.operator.negation' },
        { match: R`(?<![^\s!])\*${tokEnd}`, name: 'constant.language.wildcard' },
        { match: R`[^\s!]\S*+`, name: 'variable.other.interface' },
      ],
    },
    string: { patterns: [{ ...alt([stringPart]), name: 'string.quoted.double' }] },
    values: { patterns: [alt(valueParts)] },
    'listing-chain-header': {
      patterns: [
        {
          match: R`^\s*(Chain)\s+(\S+)\s+(\()(?:(policy)\s+([^\s)]+)(?:\s+(${counter})\s+(packets)(,)\s+(${counter})\s+(bytes))?|(\d+)\s+(references?))(\))`,
          name: 'meta.chain.header',
          captures: {
            1: { name: 'keyword.other.chain' },
            2: { patterns: [{ include: '#chain-name' }] },
            3: { name: 'punctuation.definition.chain-info.begin' },
            4: { name: 'keyword.other.policy' },
            5: { patterns: [{ include: '#policy' }] },
            6: { name: 'constant.numeric.integer.packets' },
            7: { name: 'keyword.other.unit' },
            8: { name: 'punctuation.separator.comma' },
            9: { name: 'constant.numeric.integer.bytes' },
            10: { name: 'keyword.other.unit' },
            11: { name: 'constant.numeric.integer.references' },
            12: { name: 'keyword.other.unit' },
            13: { name: 'punctuation.definition.chain-info.end' },
          },
        },
        {
          match: R`^\s*(Chain)\s+(\S+)`,
          name: 'meta.chain.header',
          captures: { 1: { name: 'keyword.other.chain' }, 2: { patterns: [{ include: '#chain-name' }] } },
        },
      ],
    },
    'listing-column-header': {
      match: R`^\s*(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt\s.*$`,
      name: 'markup.heading.column-header',
    },
    'tool-message': {
      patterns: [
        { match: R`^\s*Warning:.*$`, name: 'invalid.deprecated.warning' },
        { match: R`^\s*ip6?tables[\w-]*(?:\s+v\d+(?:\.\d++)*)?(?:\s+\(\w+\))?:\s.*$`, name: 'invalid.illegal.error' },
      ],
    },
    'listing-row-verbose': {
      comment: '`-v` rows: [num] pkts bytes [target] prot opt in out source destination [match text]',
      begin: R`^\s*(?:(\d+)\s+)?(${counter})\s+(${counter})\s+(?:([^\s!]\S*)\s+)?(\S+)\s+(--|[!-]f)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)`,
      beginCaptures: {
        1: { name: 'constant.numeric.integer.line-number' },
        2: { name: 'constant.numeric.integer.packets' },
        3: { name: 'constant.numeric.integer.bytes' },
        4: { patterns: [{ include: '#target-or-chain' }] },
        5: { patterns: [{ include: '#protocol-column' }] },
        6: { name: 'constant.language.opt' },
        7: { patterns: [{ include: '#interface' }] },
        8: { patterns: [{ include: '#interface' }] },
        9: { patterns: [{ include: '#negation-attached' }, { include: '#values' }] },
        10: { patterns: [{ include: '#negation-attached' }, { include: '#values' }] },
      },
      end: '$',
      name: 'meta.rule.listing',
      patterns: [{ include: '#listing-extras' }],
    },
    'listing-row': {
      comment: 'rows without -v: [num] [target] prot opt source destination [match text]',
      begin: R`^\s*(?:(\d+)\s+)?(?:([^\s!]\S*)\s+)?(\S+)\s+(--|[!-]f)\s+(\S+)\s+(\S+)`,
      beginCaptures: {
        1: { name: 'constant.numeric.integer.line-number' },
        2: { patterns: [{ include: '#target-or-chain' }] },
        3: { patterns: [{ include: '#protocol-column' }] },
        4: { name: 'constant.language.opt' },
        5: { patterns: [{ include: '#negation-attached' }, { include: '#values' }] },
        6: { patterns: [{ include: '#negation-attached' }, { include: '#values' }] },
      },
      end: '$',
      name: 'meta.rule.listing',
      patterns: [{ include: '#listing-extras' }],
    },
    'protocol-column': {
      patterns: [
        { include: '#negation-attached' },
        { match: R`(?<![^\s!])(?:${protocols}|\d+)${tokEnd}`, name: 'support.constant.protocol' },
      ],
    },
    'negation-attached': {
      patterns: [{ match: R`(?<![^\s])!(?=\S)`, name: 'keyword.operator.negation' }],
    },
    'listing-extras': {
      patterns: [
        {
          begin: R`/\*`,
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin' } },
          end: R`(\*/)|$`,
          endCaptures: { 1: { name: 'punctuation.definition.comment.end' } },
          name: 'comment.block.rule-comment',
        },
        { include: '#string' },
        alt([
          { re: R`${tokStart}random-fully${tokEnd}`, name: 'keyword.other.random-fully' },
          {
            re: R`${tokStart}([a-z][\w-]*+)(:)`,
            captures: { 1: { name: 'variable.parameter.option' }, 2: { name: 'punctuation.separator.key-value' } },
          },
          { re: R`(?<![^\s:])!(?=\S)`, name: 'keyword.operator.negation' },
          ...valueParts,
          { re: R`${tokStart}(?:${listingModules})${tokEnd}`, name: 'support.type.module' },
          { re: R`${tokStart}[a-z][\w-]*+(?![^\s,])`, name: 'variable.parameter.option' },
        ]),
      ],
    },
  },
};

emit(process.argv[2], grammar, 'iptables');
