import type { Severity } from '../../core/severity';
import { compareVersions } from '../../core/version';
import { describeFact } from '../../node/facts';
import type { IptRule } from '../../formats/iptables/model';
import { isComplete, ruleComment, table, targetName, chainRules, matchesMarked } from '../../formats/iptables/query';
import { flannelConfigs } from '../../formats/k8s';
import { defineRule, type Related } from '../rule';
import { VXLAN_CHECKSUM_GATE } from '../shared/kernelGates';
import { factRelated, kernelAgainst } from '../../node/questions';
import { hex } from '../shared/phrases';
import { masqueradeMark } from './support';

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** flannel hard-codes kube-proxy's default mark (`KubeProxyMark = "0x4000/0x4000"`). */
const FLANNEL_MARK = 0x4000;
const FIXED_FLANNEL = [0, 20, 2];
const MULTICAST = /^(?:224\.0\.0\.0\/4|ff00::\/8)$/i;

/**
 * NET-FL-001: flannel's `--ip-masq` rules before v0.20.2 have no early RETURN for packets kube-proxy
 * already marked for masquerade, so such packets can be SNATed by flannel as well.
 */
export default defineRule({
  meta: {
    id: 'iptables/flannel-masquerade-without-mark-return',
    title: 'flannel masquerade rules without the RETURN for packets kube-proxy already marked',
    severity: 'info',
    reads: 'iptables',
    uses: ['sysctl', 'k8s'],
    messages: {
      markMismatch:
        "flannel's RETURN skips packets marked {flannelMark} (hard-coded in flannel), but kube-proxy marks packets for masquerade with {mark}: the RETURN never matches and packets kube-proxy will masquerade can be SNATed by flannel's rules too (double SNAT). Use kube-proxy's default masqueradeBit 14 with flannel.",
      // {layout}: which flannel releases write this layout; {details}: rule order, flannel version and kernel evidence (sentences with a leading space).
      noMarkReturn:
        'flannel masquerades in {chain} without an earlier "-m mark --mark 0x4000/0x4000 -j RETURN" (added in flannel v0.20.2; {layout}): packets kube-proxy already marked for masquerade can be SNATed by flannel\'s rule as well (double SNAT), which on VXLAN nodes with an unfixed kernel is the 63 s delay.{details} Upgrade flannel to v0.20.2 or later (ghcr.io/flannel-io/flannel; older releases were published as docker.io/flannel/flannel).',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const nat = table(model, 'nat');
    // The RETURN may be in the part a fragment or a cut paste does not show.
    if (!nat || !isComplete(model, nat)) return;
    const networks = new Set<string>();
    for (const doc of node.ofKind('k8s')) {
      for (const fl of flannelConfigs(doc.model)) {
        if (fl.network.present) networks.add(fl.network.value);
        if (fl.ipv6Network.present) networks.add(fl.ipv6Network.value);
      }
    }
    // flannel before 0.16 wrote its rules without a comment; its signature is `-s NET ! -d 224.0.0.0/4 -j MASQUERADE`.
    for (const r of chainRules(nat, 'POSTROUTING')) {
      if (targetName(r) === 'MASQUERADE' && r.source && !r.source.negation && r.destination?.negation && MULTICAST.test(r.destination.value.value)) networks.add(r.source.value.value);
    }
    const isFlannelMasq = (r: IptRule): boolean => {
      if (targetName(r) !== 'MASQUERADE') return false;
      if (r.chain.value === 'FLANNEL-POSTRTG' || ruleComment(r) === 'flanneld masq') return true;
      const s = r.source;
      const d = r.destination;
      if (!s || !d || !networks.has(s.value.value)) return false;
      // `-s NET ! -d 224.0.0.0/4`: pods to the outside world; `! -s NET -d NET`: outside to pods.
      if (!s.negation && d.negation && MULTICAST.test(d.value.value)) return true;
      return s.negation !== undefined && !d.negation && d.value.value === s.value.value;
    };

    const mm = masqueradeMark(model, node);
    const kernel = kernelAgainst(node, VXLAN_CHECKSUM_GATE);
    const flannel = node.facts.flannelVersion;
    const postrouting = chainRules(nat, 'POSTROUTING');
    const kubeJump = postrouting.findIndex((r) => targetName(r) === 'KUBE-POSTROUTING');

    for (const chain of ['FLANNEL-POSTRTG', 'POSTROUTING']) {
      const rules = chainRules(nat, chain);
      const first = rules.findIndex(isFlannelMasq);
      if (first < 0) continue;
      const masq = rules[first]!;
      const others = rules.slice(first + 1).filter(isFlannelMasq);
      const markReturn = rules.slice(0, first).find((r) => targetName(r) === 'RETURN' && matchesMarked(r, FLANNEL_MARK));
      const related: Related[] = others.map((r) => ({ document, span: r.span, message: 'another flannel masquerade rule' }));
      if (markReturn) {
        // Present, but flannel checks 0x4000 while kube-proxy marks with another bit: it never matches.
        if (matchesMarked(markReturn, mm.mark)) continue;
        yield {
          span: markReturn.span,
          messageId: 'markMismatch',
          data: { flannelMark: hex(FLANNEL_MARK), mark: mm.describe },
          severity: 'info',
          related: [...(mm.related ? [mm.related] : []), { document, span: masq.span, message: 'flannel masquerade rule' }],
        };
        continue;
      }
      const layout = chain === 'POSTROUTING' ? 'flannel before v0.20.0 writes these rules directly into POSTROUTING' : 'flannel v0.20.0 and v0.20.1 write FLANNEL-POSTRTG without it';
      const parts: string[] = [];
      // Where flannel's rules run relative to the jump to KUBE-POSTROUTING decides whether they see marked packets.
      const entry = chain === 'POSTROUTING' ? postrouting.indexOf(masq) : postrouting.findIndex((r) => targetName(r) === chain);
      const known = kubeJump >= 0 && entry >= 0;
      const shadowed = known && kubeJump < entry;
      // Without a jump to KUBE-POSTROUTING or to flannel's chain in this dump the order is unknown: say nothing about it.
      if (shadowed) {
        parts.push(`Here POSTROUTING jumps to KUBE-POSTROUTING first, which masquerades marked packets itself, so flannel's rule only sees them if that order changes (flannel 0.20+ inserts its jump at the top).`);
      } else if (known) {
        parts.push(`Here flannel's rules run before KUBE-POSTROUTING: flannel masquerades the marked packet and leaves the mark, so the encapsulated VXLAN packet still carries it and KUBE-POSTROUTING masquerades that one too.`);
      }
      if (flannel) {
        parts.push(
          compareVersions(flannel.value, FIXED_FLANNEL) >= 0
            ? `flannel ${describeFact(flannel, (v) => v.text)} writes the RETURN itself, so these rules come from an older flanneld or were edited.`
            : `flannel is ${describeFact(flannel, (v) => v.text)}.`,
        );
        related.push(...factRelated(flannel, `flannel ${flannel.value.text}`));
      }
      let severity: Severity = 'info';
      if (known && !shadowed && kernel.verdict === 'affected') {
        severity = 'warning';
        parts.push(`${capitalise(kernel.text)}.`);
        related.push(...kernel.related);
      }
      yield {
        span: masq.chain.span,
        messageId: 'noMarkReturn',
        data: { chain, layout, details: parts.map((p) => ` ${p}`).join('') },
        severity,
        ...(related.length ? { related } : {}),
      };
    }
  },
});
