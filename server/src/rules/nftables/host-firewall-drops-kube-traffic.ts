import type { NftChain, NftTable } from '../../formats/nftables/model';
import { defineRule, type CommandFix, type Related } from '../rule';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { walkBaseChain, type Outcome, type Probe } from './firewallWalk';
import { nftablesMode, podNetwork, thirdPartyTables } from './shared';
import { tableLabel } from '../../formats/nftables/query';

/**
 * kube-proxy's nftables mode opens no holes in host firewalls (iptables mode added accept rules
 * for NodePorts and forwarded Service traffic). A host firewall table (`inet firewalld`, a hand-written
 * `inet filter`) with an input or forward base chain that drops or rejects pod traffic or DNATed
 * Service traffic breaks the node — and an accept in kube-proxy's own chains cannot save it: every
 * base chain on a hook runs in priority order, an accept ends only its own chain, a drop is final.
 */
export default defineRule({
  meta: {
    id: 'nftables/host-firewall-drops-kube-traffic',
    title: 'Host firewall table drops pod or Service traffic that kube-proxy (nftables mode) does not open',
    severity: 'warning',
    reads: 'nftables',
    uses: ['k8s'],
    fix: 'command',
    messages: {
      // {podsUnknown}: 'The pod network is unknown (...). ' or nothing; {withheld}: why no command is offered (leading space) or nothing.
      policyDrop: 'Table {table} drops by policy (chain {chain}) {traffic}, on the {hook} hook (base chain {base}, priority {priority}). kube-proxy in nftables mode opens no holes in other tables, and its own accepts cannot help: every base chain on a hook runs, in priority order; an accept ends only its own chain, a drop or reject in any of them is final. {podsUnknown}Accept the pod network and DNATed connections in this firewall (firewalld: add the pod CIDR to the trusted zone; keep "ct status dnat accept").{withheld}',
      reject: 'Table {table} rejects in chain {chain} {traffic}, on the {hook} hook (base chain {base}, priority {priority}). kube-proxy in nftables mode opens no holes in other tables, and its own accepts cannot help: every base chain on a hook runs, in priority order; an accept ends only its own chain, a drop or reject in any of them is final. {podsUnknown}Accept the pod network and DNATed connections in this firewall (firewalld: add the pod CIDR to the trusted zone; keep "ct status dnat accept").{withheld}',
      drop: 'Table {table} drops in chain {chain} {traffic}, on the {hook} hook (base chain {base}, priority {priority}). kube-proxy in nftables mode opens no holes in other tables, and its own accepts cannot help: every base chain on a hook runs, in priority order; an accept ends only its own chain, a drop or reject in any of them is final. {podsUnknown}Accept the pod network and DNATed connections in this firewall (firewalld: add the pod CIDR to the trusted zone; keep "ct status dnat accept").{withheld}',
    },
  },
  *check({ document, node }) {
    const mode = nftablesMode(node);
    if (!mode) return;
    const pods = podNetwork(node);
    const probes: Probe[] = [
      { hook: 'forward', ...(pods ? { src: pods.cidr } : {}), dnat: false, describe: `new connections forwarded from pods${pods ? ` (${pods.cidr})` : ''} to other pods or the outside` },
      { hook: 'forward', ...(pods ? { dst: pods.cidr } : {}), dnat: true, describe: `Service and NodePort connections that kube-proxy DNATed to pods${pods ? ` (${pods.cidr})` : ''}` },
      ...(pods ? [{ hook: 'input' as const, src: pods.cidr, dnat: false, describe: `new connections from pods (${pods.cidr}) to the node itself (node-local DNS, kubelet, hostNetwork Services)` }] : []),
    ];
    const seen = new Map<string, { outcome: Extract<Outcome, { kind: 'drop' }>; table: NftTable; base: NftChain; what: string[]; probes: Probe[] }>();
    for (const t of thirdPartyTables(document.model)) {
      if (t.family.value !== 'ip' && t.family.value !== 'inet') continue;
      for (const c of t.chains) {
        const b = c.base;
        if (!b || b.type.value !== 'filter') continue;
        for (const p of probes) {
          if (b.hook.value !== p.hook) continue;
          const o = walkBaseChain(t, c, p);
          if (o.kind !== 'drop') continue;
          const key = `${o.span.start}`;
          const entry = seen.get(key);
          if (entry) {
            entry.what.push(p.describe);
            entry.probes.push(p);
          } else seen.set(key, { outcome: o, table: t, base: c, what: [p.describe], probes: [p] });
        }
      }
    }
    for (const { outcome: o, table: t, base, what, probes: ps } of seen.values()) {
      const related: Related[] = pods?.related ? [pods.related] : [];
      if (mode.source.kind === 'document') related.push({ document: mode.source.document, span: mode.source.span, message: 'kube-proxy nftables mode' });
      const g = fixesFor(t, o, ps, pods?.cidr);
      const data = {
        table: tableLabel(t),
        chain: o.chain.name.value,
        traffic: what.join(', and '),
        hook: ps[0]!.hook,
        base: base.name.value,
        priority: base.base!.priority.text,
        podsUnknown: pods ? '' : 'The pod network is unknown (add the kube-proxy ConfigMap or flannel net-conf.json to the node folder), so only unconditional drops were evaluated. ',
        withheld: g && 'withheld' in g ? ` ${g.withheld}` : '',
      };
      const messageId = o.how === 'policy drop' ? 'policyDrop' : o.how === 'reject' ? 'reject' : 'drop';
      yield { span: o.span, messageId, data, related, fixes: g && 'fix' in g ? [g.fix] : [] };
    }
  },
});

/** One accept per kind of traffic the drop hits: the pod network as source, DNATed Service connections. */
function fixesFor(t: NftTable, o: Extract<Outcome, { kind: 'drop' }>, ps: readonly Probe[], cidr: string | undefined): { readonly fix: CommandFix } | { readonly withheld: string } | undefined {
  const accepts: string[][] = [];
  if (ps.some((p) => p.dnat)) accepts.push(['ct', 'status', 'dnat', 'accept']);
  if (ps.some((p) => !p.dnat)) {
    if (!cidr) return undefined;
    accepts.push(['ip', 'saddr', cidr, 'accept']);
  }
  const family = t.family.value;
  const table = t.name.value;
  const chain = o.chain.name.value;
  const handle = o.rule?.handle ? String(o.rule.handle.value) : undefined;
  const g = guarded(
    [
      ['nftFamily', family],
      ['nftName', table],
      ['nftName', chain],
      ...(cidr ? ([['cidr', cidr]] as const) : []),
      ...(handle ? ([['nftHandle', handle]] as const) : []),
    ],
    () =>
      reviewFix(`Accept ${accepts.map((a) => a.slice(0, -1).join(' ')).join(' and ')} before the drop in table ${table}`, 'it opens the host firewall for pod traffic; the firewall service may also rewrite its table (make the change in its own configuration to keep it)', [
        ...(table === 'firewalld' && cidr ? [note(`firewalld: firewall-cmd --permanent --zone=trusted --add-source=${cidr} && firewall-cmd --reload (lasting; the nft command below is lost on reload)`)] : []),
        // Before the dropping rule when its handle is known (nft -a), else at the top of the chain.
        ...accepts.map((a) => (handle ? run('nft', 'insert', 'rule', family, table, chain, 'position', handle, ...a) : run('nft', 'insert', 'rule', family, table, chain, ...a))),
      ]),
  );
  return g;
}
