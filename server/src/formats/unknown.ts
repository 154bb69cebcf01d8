import type { ParseProblem } from '../core/problem';

export interface UnknownModel {
  readonly problems: readonly ParseProblem[];
}

/**
 * A file no reader recognised. Saying so (once, on the first line) is more useful than silence:
 * users paste dumps into oddly named files and need to know kube-netlint did not read them.
 */
export function parseUnknown(text: string): UnknownModel {
  const firstLineEnd = text.search(/\r|\n/);
  const end = firstLineEnd < 0 ? text.length : firstLineEnd;
  return {
    problems: [
      {
        code: 'parse/unknown-format',
        message:
          'kube-netlint does not recognise this file as iptables, ipvsadm, conntrack, sysctl, ethtool or Kubernetes YAML; set its language (or rename it) if it is one of them',
        span: { start: 0, end },
      },
    ],
  };
}
