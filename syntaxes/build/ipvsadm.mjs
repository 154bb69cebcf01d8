import { R, emit, ipv4, ipv6Token } from './common.mjs';

const tokStart = R`(?<![^\s])`;
const tokEnd = R`(?![^\s])`;
const schedulers = 'rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|twos|conhash';
const forwards = 'Masq|Route|Tunnel|Local|FullNat|FNAT|Nat|SNat|DR|Bypass';
const port = R`\d+|[A-Za-z][\w-]*`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'ipvsadm',
  scopeName: 'source.ipvsadm',
  comment:
    'ipvsadm -Ln [--stats|--rate|--timeout|-c], ipvsadm-save/-Sn rules and /proc/net/ip_vs[_stats]. ' +
    'Line based; linear regexes only.',
  patterns: [
    { include: '#version-line' },
    { include: '#banner' },
    { include: '#column-header' },
    { include: '#timeout-line' },
    { include: '#save-line' },
    { include: '#connection-row' },
    { include: '#virtual-service' },
    { include: '#real-server' },
    { include: '#elision' },
    { include: '#shell-prompt' },
    { include: '#endpoint' },
    { include: '#numbers' },
  ],
  repository: {
    'version-line': {
      match: R`^\s*(IP Virtual Server version)\s+(\d+(?:\.\d++)*)(?:\s+(\()(size)(=)(\d+)(\)))?`,
      name: 'meta.header.version',
      captures: {
        1: { name: 'keyword.other.banner' },
        2: { name: 'constant.numeric.version' },
        3: { name: 'punctuation.definition.size.begin' },
        4: { name: 'variable.parameter.key' },
        5: { name: 'keyword.operator.assignment' },
        6: { name: 'constant.numeric.integer.size' },
        7: { name: 'punctuation.definition.size.end' },
      },
    },
    banner: { match: R`^\s*IPVS connection entries\b`, name: 'keyword.other.banner' },
    'column-header': {
      match: R`^\s*(?:Prot\s+LocalAddress:Port|->\s+RemoteAddress:Port|pro\s+expire\s+state|Total\s+Incoming|Conns\s+Packets|Conns/s\s+Pkts/s)\b.*$`,
      name: 'markup.heading.column-header',
    },
    'timeout-line': {
      begin: R`^\s*(Timeout)\s*(\()([^)]*+)(\))(:)`,
      beginCaptures: {
        1: { name: 'keyword.other.timeout' },
        2: { name: 'punctuation.definition.list.begin' },
        3: { name: 'variable.parameter.key' },
        4: { name: 'punctuation.definition.list.end' },
        5: { name: 'punctuation.separator.key-value' },
      },
      end: '$',
      name: 'meta.timeout',
      patterns: [{ include: '#numbers' }],
    },
    'save-line': {
      begin: R`^\s*(-[AaEeDdCZR]|--(?:add-service|edit-service|delete-service|add-server|edit-server|delete-server|clear|zero|restore))${tokEnd}`,
      beginCaptures: { 1: { name: 'keyword.control.command' } },
      end: '$',
      name: 'meta.rule',
      patterns: [
        {
          match: R`${tokStart}(-[tuf]|--(?:tcp|udp|sctp|fwmark)-service)(?:\s+([^\s-]\S*+))?`,
          captures: { 1: { name: 'variable.parameter.option' }, 2: { patterns: [{ include: '#endpoint' }, { include: '#numbers' }] } },
        },
        {
          match: R`${tokStart}(-r|--real-server)(?:\s+([^\s-]\S*+))?`,
          captures: { 1: { name: 'variable.parameter.option' }, 2: { patterns: [{ include: '#endpoint' }] } },
        },
        {
          match: R`${tokStart}(-s|--scheduler)(?:\s+([^\s-]\S*+))?`,
          captures: { 1: { name: 'variable.parameter.option' }, 2: { name: 'entity.name.function.scheduler' } },
        },
        { match: R`${tokStart}(?:-[mgi]|--masquerading|--gatewaying|--ipip)${tokEnd}`, name: 'constant.language.forward-method' },
        { match: R`${tokStart}(?:-p|--persistent)${tokEnd}`, name: 'keyword.other.flag.persistent' },
        { match: R`${tokStart}--?[A-Za-z][\w-]*+`, name: 'variable.parameter.option' },
        { include: '#endpoint' },
        { include: '#numbers' },
      ],
    },
    'connection-row': {
      comment: 'ipvsadm -Lnc: pro expire state source virtual destination',
      match: R`^\s*(TCP|UDP|SCTP|IP)\s+(\d+:\d\d)\s+([A-Z][A-Z_0-9]*+)\s+(\S+)\s+(\S+)\s+(\S+)`,
      name: 'meta.connection',
      captures: {
        1: { name: 'support.constant.protocol' },
        2: { name: 'constant.numeric.time.expire' },
        3: { name: 'constant.language.state' },
        4: { patterns: [{ include: '#endpoint' }] },
        5: { patterns: [{ include: '#endpoint' }] },
        6: { patterns: [{ include: '#endpoint' }] },
      },
    },
    'virtual-service': {
      begin: R`^\s*(TCP|UDP|SCTP|FWM)\s+(\S+)`,
      beginCaptures: { 1: { name: 'support.constant.protocol' }, 2: { patterns: [{ include: '#endpoint' }, { include: '#numbers' }] } },
      end: '$',
      name: 'meta.virtual-service',
      patterns: [
        { match: R`${tokStart}(?:${schedulers})${tokEnd}`, name: 'entity.name.function.scheduler' },
        { match: R`${tokStart}persistent${tokEnd}`, name: 'keyword.other.flag.persistent' },
        {
          match: R`${tokStart}(?:mask|ops|pe|conn-timeout|dest-check|synproxy|sip|sh-fallback|sh-port|mh-fallback|mh-port|quic|flag-[123])${tokEnd}`,
          name: 'keyword.other.flag',
        },
        { include: '#endpoint' },
        { include: '#numbers' },
      ],
    },
    'real-server': {
      begin: R`^\s*(->)\s+(\S+)`,
      beginCaptures: { 1: { name: 'keyword.operator.arrow' }, 2: { patterns: [{ include: '#endpoint' }] } },
      end: '$',
      name: 'meta.real-server',
      patterns: [
        { match: R`${tokStart}(?:${forwards})${tokEnd}`, name: 'constant.language.forward-method' },
        { match: R`${tokStart}inhibited${tokEnd}`, name: 'invalid.deprecated.inhibited' },
        { include: '#numbers' },
      ],
    },
    'shell-prompt': {
      comment: 'a pasted shell prompt line ("$ ipvsadm -l --timeout") between outputs',
      match: R`^\s*(\$)\s.*$`,
      name: 'comment.line.shell-prompt',
      captures: { 1: { name: 'punctuation.definition.prompt' } },
    },
    elision: { match: R`^\s*\.\.\.\s*$`, name: 'comment.line.elision' },
    endpoint: {
      comment: 'address[:port]: IPv4, [IPv6], /proc hex (C0A80A64:0050), or a resolved host name',
      patterns: [
        {
          match: R`(\[)([0-9A-Fa-f:.]++)(\])(?:(:)(${port})?)?`,
          captures: {
            1: { name: 'punctuation.definition.address.begin' },
            2: { name: 'constant.numeric.ipv6' },
            3: { name: 'punctuation.definition.address.end' },
            4: { name: 'punctuation.separator.port' },
            5: { patterns: [{ include: '#port' }] },
          },
        },
        {
          match: R`(?<![\w:.])([0-9A-Fa-f]{8})(:)([0-9A-Fa-f]{4})(?![\w:.])`,
          captures: { 1: { name: 'constant.numeric.hex.address' }, 2: { name: 'punctuation.separator.port' }, 3: { name: 'constant.numeric.hex.port' } },
        },
        {
          match: R`(?<![\w.])(${ipv4}(?:/\d{1,2})?)(?:(:)(${port})?)?(?![\w.])`,
          captures: { 1: { name: 'constant.numeric.ipv4' }, 2: { name: 'punctuation.separator.port' }, 3: { patterns: [{ include: '#port' }] } },
        },
        { match: R`(?<![\w:.])${ipv6Token}(?:/\d{1,3})?(?![\w:.])`, name: 'constant.numeric.ipv6' },
        {
          match: R`(?<![^\s])([A-Za-z0-9][\w.-]*+)(:)(${port})?(?![^\s])`,
          captures: { 1: { name: 'string.unquoted.hostname' }, 2: { name: 'punctuation.separator.port' }, 3: { patterns: [{ include: '#port' }] } },
        },
      ],
    },
    port: {
      patterns: [
        { match: R`\d++`, name: 'constant.numeric.port' },
        { match: R`[A-Za-z][\w-]*+`, name: 'support.constant.port-name' },
      ],
    },
    numbers: {
      patterns: [
        { match: R`(?<![\w.:])\d++[KMGTP]?(?![\w.:])`, name: 'constant.numeric.integer' },
        { match: R`(?<![\w.:])(?=[A-F]*+\d)[0-9A-F]++(?![\w.:])`, name: 'constant.numeric.hex' },
      ],
    },
  },
};

emit(process.argv[2], grammar, 'ipvsadm');
