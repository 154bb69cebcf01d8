import { contains, type Span } from '../../core/span';
import type { TokenHover } from '../features';
import { NFT_GLOSSARY } from './glossary';
import { KUBE_PROXY_FIXED, parseKubeProxyName, servicePortLabel, type KubeProxyName } from './kubeProxy';
import type { NftChain, NftElement, NftPriority, NftStatement, NftTable, NftablesModel } from './model';
import { WELL_KNOWN_PRIORITIES } from './priority';
import { siteAt, siteIndex, siteKey, type NameSite } from './query';

/**
 * Hovers: kube-proxy names resolved to their Service (and endpoint), each `numgen … vmap`
 * element with its endpoint's share, map elements with the Service they route to, base-chain
 * priorities with what runs before and after, counters; any other word from the glossary.
 */
export function nftablesHover(m: NftablesModel, offset: number, text: string): TokenHover | undefined {
  const site = siteAt(m, offset);
  if (site && contains(site.span, offset)) return { span: site.span, markdown: siteHover(m, site) };
  for (const t of m.tables) {
    if (!contains(t.span, offset) && m.variant !== 'script') continue;
    for (const c of t.chains) {
      if (c.base && contains(c.base.priority.span, offset)) return { span: c.base.priority.span, markdown: priorityHover(m, t, c) };
      if (!contains(c.span, offset) && m.variant === 'list') continue;
      for (const r of c.rules) {
        if (!contains(r.span, offset)) continue;
        for (const s of r.statements) if (s.kind === 'counter' && contains(s.span, offset) && s.packets) return { span: s.span, markdown: counterHover(s) };
      }
    }
    for (const s of t.sets) {
      for (const e of s.elements) if (contains(e.span, offset)) {
        const md = elementHover(s.name.value, e);
        if (md) return { span: e.span, markdown: md };
      }
    }
  }
  const w = wordAt(text, offset);
  if (!w) return undefined;
  const entry = NFT_GLOSSARY[w.word];
  return entry ? { span: w.span, markdown: `**${w.word}** — ${entry}` } : undefined;
}

function wordAt(text: string, offset: number): { word: string; span: Span } | undefined {
  const isWordChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
  let s = offset;
  let e = offset;
  while (s > 0 && offset - s < 64 && isWordChar(text.charCodeAt(s - 1))) s--;
  while (e < text.length && e - offset < 64 && isWordChar(text.charCodeAt(e))) e++;
  if (s === e) return undefined;
  return { word: text.slice(s, e), span: { start: s, end: e } };
}

function describeName(n: KubeProxyName): string {
  const svc = servicePortLabel(n);
  switch (n.role) {
    case 'service':
      return `kube-proxy **service chain** of ${svc}: masquerades off-cluster sources, then picks an endpoint (\`numgen random\`).`;
    case 'external':
      return `kube-proxy **external chain** of ${svc}: traffic to a NodePort, ExternalIP or LoadBalancer IP (Local policy short-circuits pod and node traffic).`;
    case 'firewall':
      return `kube-proxy **firewall chain** of ${svc}: drops sources outside \`loadBalancerSourceRanges\`.`;
    case 'endpoint':
      return `kube-proxy **endpoint chain** of ${svc} → endpoint \`${n.endpoint?.ip ?? '?'}:${n.endpoint?.port ?? '?'}\` (DNAT).`;
    case 'affinity':
      return `kube-proxy **session-affinity set** of ${svc}, endpoint \`${n.endpoint?.ip ?? '?'}:${n.endpoint?.port ?? '?'}\`: client addresses that stick to this endpoint until their timeout.`;
  }
}

function siteHover(m: NftablesModel, s: NameSite): string {
  const lines: string[] = [];
  const uses = (siteIndex(m).byName.get(siteKey(s)) ?? []).filter((x) => !x.declaration).length;
  const n = parseKubeProxyName(s.name);
  lines.push(`**${s.kind === 'chain' ? 'chain' : 'set/map'}** \`${s.name}\` (table \`${s.table}\`)`);
  if (n) lines.push(describeName(n) + (n.truncated ? ' (name truncated by kube-proxy at 240 characters)' : ''));
  else if (s.table.endsWith(' kube-proxy') && KUBE_PROXY_FIXED[s.name]) lines.push(`kube-proxy: ${KUBE_PROXY_FIXED[s.name]}`);
  if (s.numgenMod !== undefined && s.numgenMod > 0) lines.push(`Share of new connections: **${(100 / s.numgenMod).toFixed(s.numgenMod % 3 === 0 ? 1 : 0)} %** (1 of ${s.numgenMod}, \`numgen random mod ${s.numgenMod}\`).`);
  if (s.element && s.inSet) {
    const md = elementHover(s.inSet, s.element);
    if (md) lines.push(md);
  }
  const decl = declaration(m, s);
  if (decl && 'rules' in decl) lines.push(`${decl.rules.length} rule${decl.rules.length === 1 ? '' : 's'}${decl.base ? `; base chain ${decl.base.type.value} ${decl.base.hook.value} priority ${decl.base.priority.text}` : ''}.`);
  else if (decl) lines.push(`${decl.kind}, ${decl.elements.length} element${decl.elements.length === 1 ? '' : 's'}${decl.comment ? `: “${decl.comment.value}”` : ''}.`);
  lines.push(`${uses} reference${uses === 1 ? '' : 's'} in this file.`);
  return lines.join('\n\n');
}

function declaration(m: NftablesModel, s: NameSite): NftChain | NftTable['sets'][number] | undefined {
  const t = m.tables.find((x) => `${x.family.value} ${x.name.value}` === s.table);
  if (!t) return undefined;
  return s.kind === 'chain' ? t.chains.find((c) => c.name.value === s.name) : t.sets.find((x) => x.name.value === s.name);
}

/** `172.30.0.41 . tcp . 80 : goto service-…` in `service-ips` etc.: which Service the key is routed to. */
function elementHover(setName: string, e: NftElement): string | undefined {
  const key = e.key.kind === 'concat' ? e.key.parts.map((p) => (p.kind === 'value' ? p.text : '?')).join(' ') : e.key.kind === 'value' ? e.key.text : undefined;
  const target = e.verdict?.target ? parseKubeProxyName(e.verdict.target.value) : undefined;
  const svc = target ? servicePortLabel(target) : e.comment ? `Service port \`${e.comment.value}\`` : undefined;
  if (!key || !svc) return undefined;
  const what: Readonly<Record<string, string>> = {
    'service-ips': 'traffic to',
    'service-nodeports': 'NodePort traffic to',
    'firewall-ips': 'source-range check for',
    'no-endpoint-services': 'no endpoints: traffic to',
    'no-endpoint-nodeports': 'no endpoints: NodePort traffic to',
  };
  const verdict = e.verdict ? `${e.verdict.verdict.value}${e.verdict.target ? ` ${e.verdict.target.value}` : ''}` : '';
  return `Element of \`${setName}\`: ${what[setName] ?? 'key'} \`${key}\` → ${svc}${verdict ? ` (\`${verdict}\`)` : ''}.`;
}

function priorityHover(m: NftablesModel, t: NftTable, c: NftChain): string {
  const p: NftPriority = c.base!.priority;
  const fam = t.family.value;
  const lines = [`**priority ${p.text}**${p.value !== undefined ? ` = ${p.value}` : ''} on hook \`${c.base!.hook.value}\` (family ${fam}): lower numbers run first.`];
  if (p.value !== undefined) {
    const known = WELL_KNOWN_PRIORITIES.filter((w) => w.families.includes(fam));
    const before = known.filter((w) => w.value < p.value!).slice(-2);
    const after = known.filter((w) => w.value > p.value!).slice(0, 2);
    const same = known.filter((w) => w.value === p.value);
    if (before.length) lines.push(`Runs after: ${before.map((w) => `${w.value} ${w.what}`).join('; ')}.`);
    if (same.length) lines.push(`Same priority as ${same.map((w) => w.what).join('; ')} (order between equal priorities is not defined).`);
    if (after.length) lines.push(`Runs before: ${after.map((w) => `${w.value} ${w.what}`).join('; ')}.`);
    const others = m.tables.flatMap((o) => o.chains.filter((x) => x !== c && x.base && x.base.hook.value === c.base!.hook.value && (o.family.value === fam || o.family.value === 'inet' || fam === 'inet')).map((x) => ({ o, x })));
    if (others.length) lines.push(`Other base chains on this hook here: ${others.slice(0, 8).map(({ o, x }) => `\`${o.family.value} ${o.name.value} ${x.name.value}\` (${x.base!.priority.value ?? x.base!.priority.text})`).join(', ')}.`);
  }
  return lines.join('\n\n');
}

function counterHover(s: Extract<NftStatement, { kind: 'counter' }>): string {
  return `**counter**: ${s.packets?.value.toLocaleString('en-US') ?? '?'} packets, ${s.bytes?.value.toLocaleString('en-US') ?? '?'} bytes reached this statement since the rule was added or the counters were reset.`;
}
