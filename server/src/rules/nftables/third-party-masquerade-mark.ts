import type { NftExpr, NftStatement } from '../../formats/nftables/model';
import { walkExpr, tableLabel } from '../../formats/nftables/query';
import { defineRule } from '../rule';
import { isIptablesNft, nftablesMode, thirdPartyTables } from './shared';
import { isKubeProxyTable } from '../../node/netfilter';
import { nodePath } from '../../node/nodePath';

const KUBE_MARK = 0x4000;

/**
 * kube-proxy marks packets to masquerade with bit 0x4000 (`mark-for-masquerade`) and clears it in
 * `masquerading`. The README of its nftables mode says the mark is not part of its API. A rule in
 * another table that reads or sets that bit relies on an implementation detail (and in nftables
 * mode the mark is set and cleared in kube-proxy's own chains, at priorities other tables do not control).
 */
export default defineRule({
  meta: {
    id: 'nftables/third-party-masquerade-mark',
    title: "Rules outside table kube-proxy rely on kube-proxy's masquerade mark 0x4000",
    severity: 'warning',
    reads: 'nftables',
    uses: ['k8s'],
    messages: {
      // {action}: sets / tests; {effect}: why that breaks; {iptablesNft}: who writes this table when iptables-nft does, or nothing.
      markBitUsed:
        '{chain} in table {table} {action} mark bit 0x4000, kube-proxy\'s masquerade mark. In nftables mode ({modeFrom}) kube-proxy sets and clears it inside table kube-proxy and documents it as not part of its API: {effect}. Use a mark bit of your own{iptablesNft}.',
    },
  },
  *check({ document, node }) {
    const mode = nftablesMode(node);
    // In iptables mode 0x4000 is KUBE-MARK-MASQ's, shared on purpose by flannel and others: iptables rules cover it.
    if (!mode) return;
    const { model } = document;
    const third = new Set(thirdPartyTables(model));
    for (const t of model.tables) {
      if (isKubeProxyTable(t)) continue;
      const xt = isIptablesNft(model, t);
      if (!xt && !third.has(t)) continue;
      for (const c of t.chains) {
        for (const r of c.rules) {
          for (const s of r.statements) {
            const use = markUse(s);
            if (!use) continue;
            yield {
              span: use,
              messageId: 'markBitUsed',
              data: { chain: c.name.value, table: tableLabel(t), action: s.kind === 'set' ? 'sets' : 'tests', modeFrom: mode.source.kind === 'setting' ? 'setting' : `from ${nodePath(mode.source.document, node)}`, effect: s.kind === 'set' ? 'setting it makes kube-proxy masquerade traffic it did not choose' : 'the bit may be cleared before this rule runs (kube-proxy clears it in its postrouting chain) or change meaning', iptablesNft: xt ? ' (this table is written by iptables-nft: the component behind it, e.g. flannel, assumes iptables-mode kube-proxy)' : '' },
            };
          }
        }
      }
    }
  },
});

/** The span of the 0x4000 constant in `meta mark & 0x4000 …` / `mark set mark | 0x4000`, if the statement has one. */
function markUse(s: NftStatement): { start: number; end: number } | undefined {
  const exprs: NftExpr[] = s.kind === 'match' ? [s.left, ...(s.right ? [s.right] : [])] : s.kind === 'set' ? [s.target, s.value] : [];
  if (exprs.length === 0 || !exprs.some(isMarkSelector)) return undefined;
  let found: { start: number; end: number } | undefined;
  for (const e of exprs) {
    walkExpr(e, (x) => {
      if (found || x.kind !== 'value') return;
      const n = /^0x[0-9a-f]+$/i.test(x.text) ? parseInt(x.text, 16) : /^\d+$/.test(x.text) ? Number(x.text) : NaN;
      if (n === KUBE_MARK) found = x.span;
    });
  }
  return found;
}

function isMarkSelector(e: NftExpr): boolean {
  let yes = false;
  walkExpr(e, (x) => {
    if (x.kind === 'selector' && (x.head.value === 'mark' || (x.head.value === 'meta' && x.args[0]?.value === 'mark'))) yes = true;
  });
  return yes;
}
