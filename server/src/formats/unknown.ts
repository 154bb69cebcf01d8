import type { ParseProblem } from '../core/problem';

export interface UnknownModel {
  readonly problems: readonly ParseProblem[];
}

/** What kube-netlint reads, for the message (the kinds in formats/kind.ts, as users know them). */
const READS =
  'iptables-save or iptables -L, nft list ruleset, ipvsadm, conntrack, sysctl -a or uname, ethtool -k, ip link/addr/route/rule, bridge link, Kubernetes YAML or JSON (kubectl -o yaml / -o json), flannel net-conf.json';

/** How much of the head is looked at to describe the file (bounded on a 200 MB paste). */
const HEAD = 4096;

/** What the start of an unreadable file looks like, first match wins: [test on the first non-blank line, description]. */
const LOOKS: readonly (readonly [RegExp, string])[] = [
  [/^[{[]/, 'JSON, but not flannel\'s net-conf.json, nft -j or ip -j output, nor a Kubernetes object (kubectl -o json: "apiVersion" and "kind")'],
  [/^(?:\$|#|[\w.-]+@[\w.-]+[:~][^\s]*[#$])\s/, 'a shell session (a prompt line) without output kube-netlint knows'],
  [/^[\w.-]+:\s*(?:\S.*)?$/, 'YAML or "key: value" lines, but not a Kubernetes object, kube-proxy, k3s or flannel configuration'],
  [/^-\s/, 'a YAML list, but not Kubernetes containers'],
  [/^<\??[\w!]/, 'XML or HTML'],
  [/^\S+(?:\s{2,}\S+){2,}$/, 'a table of columns kube-netlint does not know'],
];

/**
 * A file no reader recognised. Saying so (once, on the first line) is more useful than silence:
 * users paste dumps into oddly named files and need to know kube-netlint did not read them, what
 * it took the text for, and what it does read.
 */
export function parseUnknown(text: string): UnknownModel {
  const firstLineEnd = text.search(/\r|\n/);
  const end = firstLineEnd < 0 ? text.length : firstLineEnd;
  return {
    problems: [
      {
        code: 'parse/unknown-format',
        message: `kube-netlint does not recognise this file, so nothing in it was read: ${describe(text)}. It reads ${READS}; set the file's language (or rename it) if it is one of them.`,
        span: { start: 0, end },
      },
    ],
  };
}

/** Tool output whose line breaks are the two characters `\n` (a log line, a JSON string): which output, by the lines it escapes. */
const ESCAPED: readonly (readonly [RegExp, string])[] = [
  [/\\n(?:\[\d+:\d+\] )?-A [\w.:+-]+ /g, 'iptables-save output'],
  [/\\n(?:Chain \S+ \(|(?:TCP|UDP|SCTP)\s+\S+:\d+\s+[a-z]+\\n)/g, 'iptables -L or ipvsadm output'],
  [/\\n(?:tcp|udp|icmp)\s+\d+\s+\d+\s+[^\\]*?src=/g, 'conntrack -L output'],
  [/\\n(?:net|kernel|vm)\.[\w.]+ = /g, 'sysctl output'],
];

function escapedDump(head: string): string | undefined {
  for (const [re, what] of ESCAPED) {
    const n = head.match(re)?.length ?? 0;
    if (n >= 3) return what;
  }
  return undefined;
}

function describe(text: string): string {
  const head = text.slice(0, HEAD);
  if (head.trim() === '') return text.length === 0 ? 'the file is empty' : 'the file holds only blank lines';
  // Control characters other than TAB/CR/LF/FF: binary data, not text.
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  if (control > head.length / 20) return 'it looks like binary data (control characters), not a text dump';
  const escaped = escapedDump(head);
  if (escaped) return `it holds ${escaped} written as one escaped string (literal \\n between its lines, \\" for its quotes), as a log line or a JSON value carries it; unescape it first (jq -r, or printf '%b') and check the result`;
  const first = head.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  const shown = first.length > 60 ? `${first.slice(0, 57)}...` : first;
  const quoted = JSON.stringify(shown);
  for (const [re, what] of LOOKS) if (re.test(first)) return `it looks like ${what} (it starts with ${quoted})`;
  return `its first line, ${quoted}, matches none of the formats`;
}
