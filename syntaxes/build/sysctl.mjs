import { R, emit } from './common.mjs';

const tokStart = R`(?<![^\s])`;
const tokEnd = R`(?![^\s])`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'sysctl',
  scopeName: 'source.sysctl',
  comment: 'sysctl -a output, /etc/sysctl.conf and sysctl.d(5) files. Line based; linear regexes only.',
  patterns: [
    { include: '#comment' },
    { include: '#error' },
    { include: '#applying' },
    { include: '#assignment' },
    { include: '#missing-key' },
    { include: '#not-an-assignment' },
  ],
  repository: {
    comment: {
      patterns: [
        {
          match: R`^\s*(#).*$`,
          name: 'comment.line.number-sign',
          captures: { 1: { name: 'punctuation.definition.comment' } },
        },
        {
          match: R`^\s*(;).*$`,
          name: 'comment.line.semicolon',
          captures: { 1: { name: 'punctuation.definition.comment' } },
        },
      ],
    },
    error: {
      comment: "sysctl: permission denied on key 'net.ipv4.x' / sysctl: cannot stat /proc/sys/...: No such file or directory",
      match: R`^\s*sysctl:\s.*$`,
      name: 'invalid.illegal.error',
    },
    applying: {
      comment: '`sysctl --system` progress lines: * Applying /etc/sysctl.d/k8s.conf ...',
      match: R`^\s*(\*)\s+(Applying)\s+(\S+)`,
      name: 'meta.applying',
      captures: {
        1: { name: 'punctuation.definition.list' },
        2: { name: 'keyword.other.applying' },
        3: { name: 'string.unquoted.path' },
      },
    },
    assignment: {
      begin: R`^\s*(-)?([^\s=#;][^\s=]*+)\s*(=)`,
      beginCaptures: {
        1: { name: 'keyword.operator.ignore-errors' },
        2: { name: 'variable.parameter.key' },
        3: { name: 'keyword.operator.assignment' },
      },
      end: '$',
      name: 'meta.assignment',
      patterns: [{ include: '#value' }],
    },
    value: {
      patterns: [
        { match: R`(?<![^\s=])-?\d++${tokEnd}`, name: 'constant.numeric.integer' },
        { match: R`(?<![^\s=])0[xX][0-9A-Fa-f]++${tokEnd}`, name: 'constant.numeric.hex' },
        {
          match: R`(")([^"]*+)(")`,
          captures: { 1: { name: 'punctuation.definition.string.begin' }, 2: { name: 'string.quoted.double' }, 3: { name: 'punctuation.definition.string.end' } },
        },
        { match: R`\S++`, name: 'string.unquoted.value' },
      ],
    },
    'missing-key': {
      match: R`^\s*=.*$`,
      name: 'invalid.illegal.missing-key',
    },
    'not-an-assignment': {
      comment: 'sysctl -p / systemd-sysctl reject lines without "="',
      match: R`^\s*[^\s=#;][^=]*+$`,
      name: 'invalid.illegal.not-an-assignment',
    },
  },
};

emit(process.argv[2], grammar, 'sysctl');
