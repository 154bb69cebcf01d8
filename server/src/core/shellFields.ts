import { isIP } from 'node:net';

/**
 * What a value from a dump must look like before a remediation command may carry it. Quoting
 * (`shell.ts`) already keeps any value inert; these checks refuse values the target program
 * would reject or misread (an interface name the kernel could never have created, a chain name
 * iptables refuses), so a fix is withheld with a reason instead of a command that cannot be right.
 * Each field is data: a name for messages and a list of (test, reason) pairs checked in order.
 */

export type Field =
  | 'interface'
  | 'udevInterface'
  | 'chain'
  | 'iptablesTable'
  | 'ipAddress'
  | 'cidr'
  | 'hostPort'
  | 'sysctlKey'
  | 'sysctlValue'
  | 'k8sName'
  | 'ruleNumber'
  | 'nftFamily'
  | 'nftName'
  | 'nftHandle';

interface Check {
  /** True when the value passes. */
  readonly ok: (value: string) => boolean;
  /** Why it does not (completes "… is not a valid <field>: "). */
  readonly reason: string;
}

interface FieldSpec {
  /** "an interface name", for "'x' is not <what>". */
  readonly what: string;
  readonly checks: readonly Check[];
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The kernel's isspace (lib/ctype.c): \t \n \v \f \r, space and 0xA0, on bytes. */
const kernelSpace = (b: number): boolean => (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const nonEmpty: Check = { ok: (v) => v.length > 0, reason: 'it is empty' };
const noNul: Check = { ok: (v) => !v.includes('\0'), reason: 'it holds a NUL byte' };

const PORT = (p: string): boolean => /^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
/** Host names as a resolver takes them (RFC 1123 labels). */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
/** Service names from /etc/services (ipvsadm -L without -n prints `https`, `domain`). */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

function hostPortOk(v: string): boolean {
  const v6 = /^\[([^\]]+)\]:([^:]+)$/.exec(v);
  if (v6) return isIP(v6[1]!) === 6 && (PORT(v6[2]!) || SERVICE_NAME.test(v6[2]!));
  const i = v.lastIndexOf(':');
  if (i <= 0) return false;
  const host = v.slice(0, i);
  const port = v.slice(i + 1);
  return (isIP(host) === 4 || HOSTNAME.test(host)) && (PORT(port) || SERVICE_NAME.test(port));
}

function cidrOk(v: string): boolean {
  const [ip, prefix, extra] = v.split('/');
  if (extra !== undefined || ip === undefined) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export const FIELDS: Readonly<Record<Field, FieldSpec>> = {
  // net/core/dev.c dev_valid_name(): non-empty, under IFNAMSIZ (16) bytes with its NUL, not . or .., no '/', ':' or space.
  interface: {
    what: 'an interface name',
    checks: [
      nonEmpty,
      noNul,
      { ok: (v) => utf8Length(v) <= 15, reason: 'it is longer than 15 bytes (IFNAMSIZ)' },
      { ok: (v) => v !== '.' && v !== '..', reason: "the kernel refuses '.' and '..'" },
      { ok: (v) => !v.includes('/') && !v.includes(':'), reason: "the kernel refuses '/' and ':' in device names" },
      { ok: (v) => !bytesOf(v).some(kernelSpace), reason: 'the kernel refuses white space in device names' },
    ],
  },
  // A device name written into a udev rule (match value and RUN+= argument): udev substitutes $ and %
  // there and reads quotes and backslashes, so names holding them are refused besides the kernel's checks.
  udevInterface: {
    what: 'an interface name usable in a udev rule',
    checks: [
      nonEmpty,
      noNul,
      { ok: (v) => utf8Length(v) <= 15, reason: 'it is longer than 15 bytes (IFNAMSIZ)' },
      { ok: (v) => v !== '.' && v !== '..' && !v.includes('/') && !v.includes(':') && !bytesOf(v).some(kernelSpace), reason: 'the kernel refuses it as a device name' },
      { ok: (v) => !/["'\\$%*?[\]]/.test(v) && !CONTROL.test(v), reason: 'udev rules give quotes, backslashes, $, % and glob characters a meaning' },
    ],
  },
  // iptables (xshared.c): under XT_EXTENSION_MAXNAMELEN (29) bytes, not starting with '-' or '!', no white space.
  chain: {
    what: 'an iptables chain name',
    checks: [
      nonEmpty,
      noNul,
      { ok: (v) => utf8Length(v) <= 28, reason: 'iptables chain names are at most 28 characters' },
      { ok: (v) => v[0] !== '-' && v[0] !== '!', reason: "iptables refuses chain names starting with '-' or '!'" },
      { ok: (v) => !/[\s]/.test(v) && !bytesOf(v).some(kernelSpace), reason: 'iptables refuses white space in chain names' },
      { ok: (v) => !CONTROL.test(v), reason: 'it holds control characters' },
    ],
  },
  iptablesTable: {
    what: 'an iptables table',
    checks: [{ ok: (v) => ['filter', 'nat', 'mangle', 'raw', 'security'].includes(v), reason: 'iptables has only filter, nat, mangle, raw and security' }],
  },
  ipAddress: { what: 'an IP address', checks: [{ ok: (v) => isIP(v) !== 0, reason: 'it is neither IPv4 nor IPv6' }] },
  cidr: { what: 'an address or network (ADDRESS[/PREFIX])', checks: [{ ok: cidrOk, reason: 'it is not an IP address with an optional prefix length' }] },
  // ipvsadm -t/-u/-r: HOST:PORT or [IPv6]:PORT, HOST an address or a resolvable name, PORT a number or service name.
  hostPort: { what: 'an ipvsadm address (HOST:PORT or [IPv6]:PORT)', checks: [{ ok: hostPortOk, reason: 'it is not an address or host name followed by :PORT' }] },
  // procfs names: dot-separated, no white space or '=' (sysctl -w splits KEY=VALUE at the first '=').
  sysctlKey: {
    what: 'a sysctl key',
    checks: [
      nonEmpty,
      noNul,
      { ok: (v) => v.length <= 256, reason: 'it is too long' },
      { ok: (v) => !/[\s=]/.test(v) && !CONTROL.test(v), reason: "it holds white space, control characters or '='" },
      { ok: (v) => !/^[./]|[./]$|\.\./.test(v) && !v.includes('..'), reason: 'it has an empty component' },
    ],
  },
  // One line of a sysctl.d file and the VALUE of sysctl -w: no line breaks or control characters.
  sysctlValue: {
    what: 'a sysctl value',
    checks: [noNul, { ok: (v) => !CONTROL.test(v.replace(/\t/g, ' ')), reason: 'it holds line breaks or control characters' }, { ok: (v) => v.length <= 4096, reason: 'it is too long' }],
  },
  // Kubernetes object and namespace names (DNS-1123 subdomain).
  k8sName: {
    what: 'a Kubernetes name',
    checks: [{ ok: (v) => /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(v), reason: 'it is not a DNS-1123 name' }],
  },
  ruleNumber: { what: 'a rule position', checks: [{ ok: (v) => /^[1-9]\d{0,8}$/.test(v), reason: 'it is not a positive number' }] },
  nftFamily: {
    what: 'an nft family',
    checks: [{ ok: (v) => ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'].includes(v), reason: 'nft has only ip, ip6, inet, arp, bridge and netdev' }],
  },
  // nft joins its arguments with blanks and parses the result as one command line, so a name is
  // safe in an argument only as a word nft's scanner reads as one identifier (scanner.l `string`:
  // a letter, '_' or '.', then letters, digits, '/', '-', '_', '.'); anything else (';', '{', quotes,
  // '$', '#', blanks) would be nft syntax. Names are at most 255 bytes (NFT_NAME_MAXLEN 256 with NUL).
  nftName: {
    what: 'an nft table, chain or set name nft reads as one word',
    checks: [
      nonEmpty,
      noNul,
      { ok: (v) => utf8Length(v) <= 255, reason: 'nft names are at most 255 bytes' },
      { ok: (v) => /^[A-Za-z_.][A-Za-z0-9/\-_.]*$/.test(v), reason: "nft would read it as several words or as syntax (only letters, digits, '/', '-', '_' and '.', not starting with a digit, '/' or '-')" },
    ],
  },
  // `# handle N`: the kernel's 64-bit object handle, printed in decimal, never 0.
  nftHandle: { what: 'an nft rule handle', checks: [{ ok: (v) => /^[1-9]\d{0,18}$/.test(v), reason: 'it is not a positive number' }] },
};

/** Why `value` is refused as `field`, or undefined when it may go into a command. */
export function refusal(field: Field, value: string): string | undefined {
  const spec = FIELDS[field];
  const failed = spec.checks.find((c) => !c.ok(value));
  if (!failed) return undefined;
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `${JSON.stringify(shown)} is not ${spec.what}: ${failed.reason}`;
}

/**
 * Checks several values at once: the reasons of every refused one (empty when all pass).
 * Rules call it before building a command fix and withhold the fix when anything is refused.
 */
export function refusals(values: readonly (readonly [Field, string])[]): string[] {
  const out: string[] = [];
  for (const [field, value] of values) {
    const r = refusal(field, value);
    if (r !== undefined) out.push(r);
  }
  return out;
}
