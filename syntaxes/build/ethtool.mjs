import { R, emit } from './common.mjs';

const tokStart = R`(?<![^\s])`;
const tokEnd = R`(?![^\s])`;
const on = { name: 'constant.language.boolean.on markup.inserted.on' };
const off = { name: 'constant.language.boolean.off markup.deleted.off' };

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'ethtool',
  scopeName: 'source.ethtool',
  comment:
    'ethtool -k (features) output, plus generic "Key: value" ethtool reports (ethtool IFACE, -i, -g, -S). ' +
    'on/off carry a constant.language.boolean scope and a markup.inserted / markup.deleted scope so that ' +
    'ordinary themes colour them differently. Line based; linear regexes only.',
  patterns: [
    { include: '#header' },
    { include: '#error' },
    { include: '#feature' },
    { include: '#key-value' },
  ],
  repository: {
    header: {
      match: R`^\s*(Features|Settings|Offload parameters|Ring parameters|Channel parameters|Coalesce parameters|Pause parameters|Statistics)\s+(for)\s+([^\s:]++)(:)`,
      name: 'meta.header',
      captures: {
        1: { name: 'keyword.other.header' },
        2: { name: 'keyword.other.header' },
        3: { name: 'entity.name.section.interface' },
        4: { name: 'punctuation.separator.key-value' },
      },
    },
    error: {
      match: R`^\s*(?:Cannot |Could not |netlink error|Operation not supported|No such device).*$`,
      name: 'invalid.illegal.error',
    },
    feature: {
      comment: 'tx-checksum-ip-generic: off [requested on]   /   rx-checksumming: on [fixed]',
      match: R`^\s*([A-Za-z][\w-]*+)(:)\s+(?:(on)|(off))(?:\s+(\[)(fixed)(\]))?(?:\s+(\[)(requested)\s+(?:(on)|(off))(\]))?${tokEnd}`,
      name: 'meta.feature',
      captures: {
        1: { name: 'variable.parameter.feature' },
        2: { name: 'punctuation.separator.key-value' },
        3: on,
        4: off,
        5: { name: 'punctuation.definition.annotation.begin' },
        6: { name: 'storage.modifier.fixed' },
        7: { name: 'punctuation.definition.annotation.end' },
        8: { name: 'punctuation.definition.annotation.begin' },
        9: { name: 'keyword.other.requested' },
        10: on,
        11: off,
        12: { name: 'punctuation.definition.annotation.end' },
      },
    },
    'key-value': {
      begin: R`^\s*([A-Za-z][\w./()-]*+(?:[ \t][\w./()-]++)*+)(:)`,
      beginCaptures: { 1: { name: 'variable.parameter.key' }, 2: { name: 'punctuation.separator.key-value' } },
      end: '$',
      name: 'meta.key-value',
      patterns: [
        { match: R`${tokStart}on${tokEnd}`, ...on },
        { match: R`${tokStart}off${tokEnd}`, ...off },
        { match: R`${tokStart}(?:yes|Yes)${tokEnd}`, name: 'constant.language.boolean.true' },
        { match: R`${tokStart}(?:no|No)${tokEnd}`, name: 'constant.language.boolean.false' },
        { match: R`${tokStart}Unknown!?${tokEnd}`, name: 'invalid.deprecated.unknown' },
        {
          match: R`${tokStart}(\d++)([A-Za-z/]++)?(?![^\s])`,
          captures: { 1: { name: 'constant.numeric.integer' }, 2: { name: 'keyword.other.unit' } },
        },
        { match: R`${tokStart}0[xX][0-9A-Fa-f]++${tokEnd}`, name: 'constant.numeric.hex' },
      ],
    },
  },
};

emit(process.argv[2], grammar, 'ethtool');
