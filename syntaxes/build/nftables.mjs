import { R, emit, ipv4Prefix, ipv6Token } from './common.mjs';

// Words of nft: names carry `/ . _ - :` (kube-proxy's endpoint-…/p80__10.180.0.1/80), so a word
// runs between blanks and `{ } ( ) , ;`; keywords only count as whole words.
const s = R`(?<![^\s{}(),;])`;
const e = R`(?![^\s{}(),;])`;
const name = R`[^\s{}(),;"#]++`;
const families = 'ip6|ip|inet|arp|bridge|netdev';
const kw = (words) => R`${s}(?:${words})${e}`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'nftables',
  scopeName: 'source.nftables',
  comment:
    'nft list ruleset (also -a with # handle N), nft list table, and nft -f scripts (add/insert/delete/flush …). ' +
    'Word based and line based (element lists wrap across lines); possessive or bounded regexes only, so linear.',
  patterns: [
    { include: '#handle' },
    { include: '#warning' },
    { include: '#comment' },
    { include: '#string' },
    { include: '#table' },
    { include: '#command' },
    { include: '#member' },
    { include: '#base-chain' },
    { include: '#jump' },
    { include: '#set-reference' },
    { include: '#verdict' },
    { include: '#counter' },
    { include: '#statement' },
    { include: '#expression' },
    { include: '#operator' },
    { include: '#address' },
    { include: '#number' },
    { include: '#punctuation' },
  ],
  repository: {
    handle: {
      match: R`(#)\s*(handle)\s+(\d++)\s*$`,
      name: 'comment.line.number-sign.handle',
      captures: { 1: { name: 'punctuation.definition.comment' }, 2: { name: 'keyword.other.handle' }, 3: { name: 'constant.numeric.integer.handle' } },
    },
    warning: {
      match: R`^\s*(#)\s*(Warning: table \S++ \S++ is managed by iptables-nft, do not touch!)`,
      name: 'comment.line.number-sign',
      captures: { 1: { name: 'punctuation.definition.comment' }, 2: { name: 'invalid.deprecated.warning' } },
    },
    comment: {
      match: R`(#).*+$`,
      name: 'comment.line.number-sign',
      captures: { 1: { name: 'punctuation.definition.comment' } },
    },
    string: {
      match: R`(")(?:[^"\\]|\\.)*+(")?`,
      name: 'string.quoted.double',
      captures: { 1: { name: 'punctuation.definition.string.begin' }, 2: { name: 'punctuation.definition.string.end' } },
    },
    table: {
      comment: 'table ip kube-proxy {',
      match: R`^\s*(table)\s++(?:(${families})\s++)?(${name})`,
      captures: { 1: { name: 'keyword.other.table' }, 2: { name: 'storage.type.family' }, 3: { name: 'entity.name.section.table' } },
    },
    command: {
      comment: 'add rule ip kube-proxy services …   /   flush ruleset   /   delete rule ip t c handle 5',
      match: R`^\s*(add|create|insert|replace|delete|destroy|flush|list|reset|rename)\s++(table|chain|rule|set|map|element|ruleset|flowtable|counter|quota|limit|ct\s++(?:helper|timeout|expectation))${e}(?:\s++(?:(${families})\s++)?(${name})(?:\s++(${name}))?)?`,
      captures: {
        1: { name: 'keyword.control.command' },
        2: { name: 'keyword.other.object' },
        3: { name: 'storage.type.family' },
        4: { name: 'entity.name.section.table' },
        5: { name: 'entity.name.function.member' },
      },
    },
    member: {
      comment: 'chain services {   /   set cluster-ips {   /   map service-ips {   /   ct helper ftp {',
      match: R`^\s*(?:(chain)|(set|map|flowtable)|(counter|quota|limit|secmark|synproxy|ct\s++(?:helper|timeout|expectation)))\s++(${name})(?=\s*+\{)`,
      captures: {
        1: { name: 'keyword.other.chain' },
        2: { name: 'storage.type.set' },
        3: { name: 'storage.type.object' },
        4: { name: 'entity.name.function.member' },
      },
    },
    'base-chain': {
      patterns: [
        {
          match: kw('type|hook|priority|policy|device|devices|flags|timeout|typeof|elements|size|comment|gc-interval|auto-merge'),
          name: 'keyword.other.property',
        },
        { match: kw('prerouting|input|forward|output|postrouting|ingress|egress'), name: 'support.constant.hook' },
        { match: R`${s}(?:raw|mangle|dstnat|filter|security|srcnat|out)(?=\s*+(?:[+-]\s*+\d|;|$))`, name: 'support.constant.priority' },
        { match: kw('nat|route'), name: 'support.constant.chain-type' },
        { match: kw('ipv4_addr|ipv6_addr|ether_addr|inet_proto|inet_service|mark|verdict|ifname|iface_index|ct_state'), name: 'support.type.datatype' },
      ],
    },
    jump: {
      match: R`${s}(jump|goto)\s++(${name})`,
      captures: { 1: { name: 'keyword.control.verdict' }, 2: { name: 'entity.name.function.chain.reference' } },
    },
    'set-reference': {
      match: R`(@)(${name})`,
      captures: { 1: { name: 'punctuation.definition.set' }, 2: { name: 'variable.other.set.reference' } },
    },
    verdict: { match: kw('accept|drop|return|continue|queue'), name: 'keyword.control.verdict' },
    counter: {
      match: R`${s}(counter)\s++(packets)\s++(\d++)\s++(bytes)\s++(\d++)`,
      captures: {
        1: { name: 'keyword.other.statement' },
        2: { name: 'keyword.other.property' },
        3: { name: 'constant.numeric.integer.packets' },
        4: { name: 'keyword.other.property' },
        5: { name: 'constant.numeric.integer.bytes' },
      },
    },
    statement: {
      match: kw('counter|log|limit|quota|dnat|snat|masquerade|redirect|reject|notrack|update|set|to|with|rate|over|burst|prefix|level|fully-random|random|persistent|mod|offset|seed'),
      name: 'keyword.other.statement',
    },
    expression: {
      patterns: [
        { match: kw('vmap|map'), name: 'keyword.operator.map' },
        { match: kw('numgen|jhash|symhash'), name: 'support.function.hash' },
        { match: kw(`${families}|tcp|udp|udplite|sctp|dccp|th|icmp|icmpv6|ether|vlan|meta|ct|fib|rt|socket|iifname|oifname|iif|oif|l4proto|nfproto`), name: 'support.type.selector' },
      ],
    },
    operator: { match: R`${s}(?:==|!=|<=|>=|<|>|&|\||\^|\.|:|=)${e}`, name: 'keyword.operator' },
    address: {
      patterns: [
        { match: R`${s}${ipv4Prefix}(?::\d++)?(?:-${ipv4Prefix})?${e}`, name: 'constant.numeric.ip' },
        { match: R`${s}\[?${ipv6Token}(?:/\d{1,3})?\]?(?::\d++)?${e}`, name: 'constant.numeric.ip' },
      ],
    },
    number: {
      patterns: [
        { match: R`${s}0x[0-9A-Fa-f]++${e}`, name: 'constant.numeric.hex' },
        { match: R`${s}-?\d++(?:-\d++)?(?:[a-z]++)?${e}`, name: 'constant.numeric.integer' },
      ],
    },
    punctuation: {
      patterns: [
        { match: R`\{`, name: 'punctuation.section.braces.begin' },
        { match: R`\}`, name: 'punctuation.section.braces.end' },
        { match: R`[;,]`, name: 'punctuation.separator' },
      ],
    },
  },
};

emit(process.argv[2], grammar, 'nftables');
