import { KUBE_PROXY_FIXED, parseKubeProxyName } from '../../formats/nftables/kubeProxy';
import type { Span } from '../../core/span';
import { isKubeProxyTable } from '../../node/netfilter';
import { defineRule, type Fix } from '../rule';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { deleteRuleFix } from './shared';
import { tableLabel } from '../../formats/nftables/query';

/**
 * kube-proxy owns `table ip kube-proxy`: it rewrites it on every sync and its README says no one
 * else may modify it. A chain, set or map outside kube-proxy's naming scheme was put there by
 * someone else and either disappears on the next full sync or breaks kube-proxy's transaction.
 */
export default defineRule({
  meta: {
    id: 'nftables/foreign-objects-in-kube-proxy-table',
    title: "Chains or sets in table kube-proxy that kube-proxy does not write",
    severity: 'warning',
    reads: 'nftables',
    fix: 'command',
    messages: {
      // {withheld}: why no command is offered (a sentence with a leading space), or nothing.
      foreignJump: "kube-proxy's chain {chain} (table {table}) has a rule that jumps to {target}, which kube-proxy does not write: another component hooked itself into kube-proxy's chains, and kube-proxy drops such rules when it rewrites the chain.{withheld}",
      foreignGoto: "kube-proxy's chain {chain} (table {table}) has a rule that goes to {target}, which kube-proxy does not write: another component hooked itself into kube-proxy's chains, and kube-proxy drops such rules when it rewrites the chain.{withheld}",
      foreignObject:
        '{kind} {name} in table {table} is not one of kube-proxy\'s objects (neither a fixed name nor service-/external-/firewall-/endpoint-/affinity-HASH-…): another component wrote into kube-proxy\'s table. kube-proxy owns this table ("should never make any modifications", pkg/proxy/nftables/README.md) and may delete or conflict with it on any sync. Put these rules into a table of your own and hook them at the priority you need.{withheld}',
    },
  },
  *check({ document }) {
    for (const t of document.model.tables) {
      if (!isKubeProxyTable(t)) continue;
      const objects: { kind: string; name: string; span: Span; implicit: boolean }[] = [
        ...t.chains.map((c) => ({ kind: 'chain', name: c.name.value, span: c.name.span, implicit: c.implicit })),
        ...t.sets.map((s) => ({ kind: s.kind, name: s.name.value, span: s.name.span, implicit: s.implicit })),
        ...t.flowtables.map((f) => ({ kind: 'flowtable', name: f.name.value, span: f.name.span, implicit: false })),
        ...t.objects.map((o) => ({ kind: `${o.type.value} object`, name: o.name.value, span: o.name.span, implicit: false })),
      ];
      const foreign = (name: string): boolean => KUBE_PROXY_FIXED[name] === undefined && !parseKubeProxyName(name);
      // Rules in kube-proxy's fixed chains (its base chains and helpers, where a hook would be added)
      // that hand packets to a foreign chain. Per-Service chains are rewritten on every sync and are
      // not read: their statements are re-read from the text on demand, 55,000 rules for 5,000 Services.
      for (const c of t.chains) {
        if (KUBE_PROXY_FIXED[c.name.value] === undefined) continue;
        for (const r of c.rules) {
          for (const st of r.statements) {
            if (st.kind !== 'verdict' || !st.target || !foreign(st.target.value)) continue;
            const g = deleteRuleFix(`Delete the ${st.verdict.value} to ${st.target.value} from kube-proxy's chain ${c.name.value}`, 'it deletes a rule another component relies on; move that component\'s rules to its own table first', t, r);
            yield {
              span: st.target.span,
              messageId: st.verdict.value === 'goto' ? ('foreignGoto' as const) : ('foreignJump' as const),
              data: {
                chain: c.name.value,
                table: tableLabel(t),
                target: st.target.value,
                withheld: g && 'withheld' in g ? ` ${g.withheld}` : g ? '' : ' The listing has no handles (nft -a), so no deletion command is offered.',
              },
              ...(g && 'fix' in g ? { fixes: [g.fix] } : {}),
            };
          }
        }
      }
      for (const o of objects) {
        if (o.implicit || !foreign(o.name)) continue;
        const fixes: Fix[] = [];
        let withheld = '';
        if (o.kind === 'chain') {
          const g = guarded(
            [
              ['nftFamily', t.family.value],
              ['nftName', o.name],
            ],
            () =>
              reviewFix(`Show where chain ${o.name} comes from`, 'read-only, but the next step (moving the rules to your own table) is yours to write', [
                note('kube-proxy never writes this chain; find the tool that does (grep its name in DaemonSets, node scripts, CNI configuration) and move its rules into a table of its own:'),
                run('nft', '-a', 'list', 'chain', t.family.value, 'kube-proxy', o.name),
              ]),
          );
          if ('fix' in g) fixes.push(g.fix);
          else withheld = ` ${g.withheld}`;
        }
        yield {
          span: o.span,
          messageId: 'foreignObject',
          data: { kind: o.kind, name: o.name, table: tableLabel(t), withheld },
          fixes,
        };
      }
    }
  },
});
