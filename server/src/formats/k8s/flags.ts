import type { Scalar } from 'yaml';
import type { Located, Span } from '../../core/span';
import { parseVersion } from '../../core/version';
import type { ContainerRole, Flag, ImageRef, Value } from './model';
import type { Source } from './source';
import { mapOffset, scalarContent } from './yamlHost';
import { pushAll } from '../../core/arrays';

/** A string value with the scalar it came from, so positions inside it can be mapped. */
export interface Item {
  readonly value: Value<string>;
  readonly node: Scalar;
}

/**
 * Span of characters [a, b) of a scalar's value in the host file; the whole value span when the
 * scalar's text is not a 1:1 copy of its value (escapes, folding) or holds template markers.
 */
export function innerSpan(src: Source, item: Item, a: number, b: number): Span {
  if (item.value.templated) {
    // The value is the raw text itself (quotes aside): positions are still 1:1 on one line.
    const r = item.node.range;
    const raw = item.value.raw;
    const q = raw !== item.value.value && raw.length >= 2 ? 1 : 0;
    if (!r || raw.slice(q, raw.length - q) !== item.value.value || /[\r\n]/.test(raw)) return item.value.span;
    return src.hostSpan({ start: r[0] + q + a, end: r[0] + q + b });
  }
  const c = scalarContent(src.text, item.node, src.escapes);
  if (!c.exact || c.content !== item.value.value) return item.value.span;
  return src.hostSpan({ start: mapOffset(c, a), end: a === b ? mapOffset(c, a) : Math.max(mapOffset(c, a), mapOffset(c, b, true)) });
}

function located(src: Source, item: Item, a: number, b: number): Located<string> {
  return { value: item.value.value.slice(a, b), span: innerSpan(src, item, a, b) };
}

/** Flags that never take the next argument as their value. */
const BOOLEAN_FLAGS = new Set([
  '--ip-masq',
  '--kube-subnet-mgr',
  '--masquerade-all',
  '--ipvs-strict-arp',
  '--cleanup',
  '--cleanup-iptables',
  '--cleanup-ipvs',
  '--iptables-forward-rules',
  '--ip-masq-fully-random-disable',
  '--profiling',
  '--help',
  '--version',
  '--auto-detect-ipv4',
  '--auto-detect-ipv6',
]);

interface Word {
  readonly item: Item;
  readonly a: number;
  readonly b: number;
  readonly text: string;
}

const SHELLS = /(?:^|\/)(?:ba|da|a|z)?sh$/;

/**
 * Reads flags from a container's command and args as the program sees its argv: `--name=value`,
 * `--name value` (unless the flag is a known boolean) and single-dash shorthands. A `sh -c` script
 * is split into words and its `--flags` are read too (source `shell`).
 */
export function parseFlags(src: Source, command: readonly Item[], args: readonly Item[]): Flag[] {
  const out: Flag[] = [];
  const argv: (Word & { source: 'command' | 'args' })[] = [
    ...command.map((item) => ({ item, a: 0, b: item.value.value.length, text: item.value.value, source: 'command' as const })),
    ...args.map((item) => ({ item, a: 0, b: item.value.value.length, text: item.value.value, source: 'args' as const })),
  ];
  const first = argv[0]?.text ?? '';
  const shell = SHELLS.test(first);
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (shell && argv[i - 1]?.text === '-c') {
      pushAll(out, flagsFromWords(src, splitWords(w.item), 'shell'));
      continue;
    }
    if (shell) continue;
    const next = argv[i + 1];
    const f = readFlag(src, w, next);
    if (!f) continue;
    out.push({ ...f.flag, source: w.source });
    if (f.consumedNext) i++;
  }
  return out;
}

/** k3s `kube-proxy-arg` entries: `proxy-mode=ipvs` (no dashes) or `--proxy-mode=ipvs`. */
export function parseK3sArgs(src: Source, items: readonly Item[]): Flag[] {
  const out: Flag[] = [];
  for (const item of items) {
    const t = item.value.value;
    const lead = t.startsWith('--') ? 2 : t.startsWith('-') ? 1 : 0;
    const eq = t.indexOf('=');
    const nameEnd = eq >= 0 ? eq : t.length;
    const name = located(src, item, 0, nameEnd);
    if (nameEnd - lead <= 0) continue;
    out.push({
      name,
      ...(eq >= 0 ? { value: located(src, item, eq + 1, t.length) } : {}),
      span: innerSpan(src, item, 0, t.length),
      source: 'k3s',
    });
  }
  return out;
}

function readFlag(src: Source, w: Word, next: Word | undefined): { flag: Omit<Flag, 'source'>; consumedNext: boolean } | undefined {
  const t = w.text;
  if (!/^--?[A-Za-z0-9]/.test(t)) return undefined;
  const eq = t.indexOf('=');
  if (eq > 0) {
    return {
      flag: {
        name: located(src, w.item, w.a, w.a + eq),
        value: located(src, w.item, w.a + eq + 1, w.b),
        span: innerSpan(src, w.item, w.a, w.b),
      },
      consumedNext: false,
    };
  }
  const name = located(src, w.item, w.a, w.b);
  if (t.startsWith('--') && !BOOLEAN_FLAGS.has(t) && next && !next.text.startsWith('-') && next.item !== w.item) {
    const vspan = innerSpan(src, next.item, next.a, next.b);
    return {
      flag: { name, value: { value: next.text, span: vspan }, span: { start: name.span.start, end: Math.max(name.span.end, vspan.end) } },
      consumedNext: true,
    };
  }
  if (t.startsWith('--') && !BOOLEAN_FLAGS.has(t) && next && !next.text.startsWith('-') && next.item === w.item) {
    return {
      flag: { name, value: located(src, w.item, next.a, next.b), span: innerSpan(src, w.item, w.a, next.b) },
      consumedNext: true,
    };
  }
  return { flag: { name, span: name.span }, consumedNext: false };
}

function splitWords(item: Item): Word[] {
  const s = item.value.value;
  const out: Word[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    const a = i;
    while (i < s.length && !/\s/.test(s[i]!)) i++;
    if (i > a) out.push({ item, a, b: i, text: s.slice(a, i) });
  }
  return out;
}

function flagsFromWords(src: Source, words: readonly Word[], source: 'shell'): Flag[] {
  const out: Flag[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.text.startsWith('--')) continue;
    const f = readFlag(src, w, words[i + 1]);
    if (!f) continue;
    out.push({ ...f.flag, source });
    if (f.consumedNext) i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * Splits an image reference: `registry.k8s.io/kube-proxy:v1.29.3`,
 * `ghcr.io/flannel-io/flannel:v0.25.0@sha256:...`, `busybox`. The first path component is a
 * registry when it has a dot or a port, or is `localhost` (as Docker decides).
 */
export function parseImage(src: Source, item: Item): ImageRef {
  const s = item.value.value;
  const at = s.indexOf('@');
  const namePart = at >= 0 ? s.slice(0, at) : s;
  const digest = at >= 0 ? s.slice(at + 1) : undefined;
  const slash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  const hasTag = colon > slash;
  const repoFull = hasTag ? namePart.slice(0, colon) : namePart;
  const firstSlash = repoFull.indexOf('/');
  const first = firstSlash >= 0 ? repoFull.slice(0, firstSlash) : '';
  const isRegistry = firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const tag = hasTag ? { value: namePart.slice(colon + 1), span: innerSpan(src, item, colon + 1, namePart.length) } : undefined;
  const version = tag && !item.value.templated ? parseVersion(tag.value) : undefined;
  return {
    ...item.value,
    ...(isRegistry ? { registry: first } : {}),
    repository: isRegistry ? repoFull.slice(firstSlash + 1) : repoFull,
    ...(tag ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    ...(version ? { version } : {}),
  };
}

const ARCH_SUFFIX = /-(?:amd64|arm64|arm|ppc64le|s390x|windows-amd64)$/;

/** What a container is, from its image, name and command. */
export function containerRole(name: string | undefined, image: ImageRef | undefined, command: readonly string[], args: readonly string[]): ContainerRole {
  const last = (image?.repository.split('/').pop() ?? '').replace(ARCH_SUFFIX, '');
  const argv = [...command, ...args].join(' ');
  const cmd0 = command[0] ?? '';
  if (last === 'kube-proxy' || name === 'kube-proxy' || /(?:^|[\s/])kube-proxy(?:\s|$)/.test(cmd0)) return 'kube-proxy';
  if (/(?:^|[\s/])flanneld(?:\.exe)?(?:\s|$)/.test(argv) || name === 'kube-flannel') return 'flannel';
  if (last === 'flannel-cni-plugin') return 'flannel-cni-install';
  if (last === 'flannel') {
    if (/(?:^|\/)(?:cp|sh|bash)$/.test(cmd0)) return 'flannel-cni-install';
    return 'flannel';
  }
  return 'other';
}
