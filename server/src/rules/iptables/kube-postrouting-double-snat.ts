import type { Severity } from '../../core/severity';
import type { IptRule } from '../../formats/iptables/model';
import { isComplete, matchOption, table, targetOption } from '../../formats/iptables/query';
import type { ParsedDocument } from '../../node/document';
import { defineRule, type Fix, type Related } from '../rule';
import { VXLAN_CHECKSUM_GATE } from '../shared/kernelGates';
import { kernelAgainst, vxlanState } from '../../node/questions';
import { lineBreakAt } from '../shared/edits';
import { countersPrefix, masqueradeMark, postroutingShape, type MasqueradeMark } from './support';

export const FIXED_KUBE_PROXY = '1.16.13, 1.17.9, 1.18.6 or 1.19';
export const FIXED_KUBE_PROXY_RELEASE = 'a release with the fix (1.16.13, 1.17.9, 1.18.6, 1.19 or later)';
export const SNAT_COMMENT = 'kubernetes service traffic requiring SNAT';

/**
 * NET-KP-001: the KUBE-POSTROUTING form kube-proxy and kubelet wrote before k/k#92035 masquerades
 * packets carrying the masquerade mark without clearing it. The VXLAN driver re-uses the skb, so the
 * encapsulated outer packet still has the mark and is masqueraded a second time; with
 * `--random-fully` on a kernel without ea64d8d6c675 that corrupts its zero UDP checksum (63 s delay).
 */
const HEAD = `KUBE-POSTROUTING masquerades packets marked {mark} without clearing the mark first (the form kube-proxy and kubelet wrote before ${FIXED_KUBE_PROXY}): the mark survives VXLAN encapsulation, so the outer VXLAN packet of a cross-node Service connection is masqueraded a second time.`;
const RANDOM_FULLY =
  'With --random-fully the second SNAT rewrites the outer UDP source port; kernels without fix ea64d8d6c675 then corrupt the zero VXLAN UDP checksum under TX checksum offload and the peer drops the packet, so Service connections across nodes stall for up to 63 s.';
const TAIL = `kube-proxy (and kubelet before 1.28) owns this chain and rewrites it on every sync: the lasting fix is upgrading both to ${FIXED_KUBE_PROXY_RELEASE}, then flushing the chain (iptables -t nat -F KUBE-POSTROUTING) so the old rule does not stay ahead of the new ones; until then disable TX checksum offload on the VXLAN device (ethtool -K flannel.1 tx-checksum-ip-generic off).`;

export default defineRule({
  meta: {
    id: 'iptables/kube-postrouting-double-snat',
    title: 'KUBE-POSTROUTING masquerades marked packets without clearing the mark (VXLAN double SNAT)',
    severity: 'error',
    reads: 'iptables',
    uses: ['sysctl', 'ethtool', 'k8s'],
    fix: 'edit',
    messages: {
      withoutRandomFully: `${HEAD} Without --random-fully the second SNAT usually keeps the outer source port, so the VXLAN checksum bug is not triggered yet; it is as soon as kube-proxy starts adding --random-fully (1.17 images), unless the rule is fixed first. ${TAIL}`,
      kernelFixed: `${HEAD} ${RANDOM_FULLY} Here {kernel}, so the double SNAT is harmless but the rule is outdated. ${TAIL}`,
      noVxlan: `${HEAD} ${RANDOM_FULLY} Here {vxlan}, so no encapsulated packet is hit; the rule is outdated. {kernelSentence}. ${TAIL}`,
      // {affected}: the list of affected kernels when the kernel is unknown, or nothing.
      vxlan: `${HEAD} ${RANDOM_FULLY} Here {vxlan} and {kernel}{affected}. ${TAIL}`,
      vxlanUnknown: `${HEAD} ${RANDOM_FULLY} Whether this node encapsulates with VXLAN is unknown: {vxlan}. {kernelSentence}. ${TAIL}`,
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const mm = masqueradeMark(model, node);
    const shape = postroutingShape(model, mm.mark);
    // With the new form in the chain as well, iptables/kube-postrouting-stale-rule reports the old rule.
    if (shape.clear || shape.old.length === 0) return;
    // The rule that clears the mark may be in the part a fragment or a cut paste does not show.
    const nat = table(model, 'nat');
    if (!nat || !isComplete(model, nat)) return;
    const kernel = kernelAgainst(node, VXLAN_CHECKSUM_GATE);
    const vxlan = vxlanState(node);
    for (const { rule } of shape.old) {
      const randomFully = targetOption(rule, '--random-fully') !== undefined;
      const data = { mark: mm.describe, kernel: kernel.text, kernelSentence: capitalise(kernel.text), vxlan: vxlan.text };
      let severity: Severity;
      let messageId: 'withoutRandomFully' | 'kernelFixed' | 'noVxlan' | 'vxlan' | 'vxlanUnknown';
      let affected = '';
      if (!randomFully) {
        severity = 'info';
        messageId = 'withoutRandomFully';
      } else if (kernel.verdict === 'fixed') {
        severity = 'info';
        messageId = 'kernelFixed';
      } else if (vxlan.excluded) {
        severity = 'info';
        messageId = 'noVxlan';
      } else if (vxlan.confirmed) {
        severity = kernel.verdict === 'affected' ? 'error' : 'warning';
        messageId = 'vxlan';
        if (kernel.verdict === 'unknown') affected = '; affected are kernels before 5.7 without the back-ports in 5.6.13, 5.4.41, 4.19.123, 4.14.181 or Ubuntu 4.15.0-107 / 5.4.0-32';
      } else {
        severity = kernel.verdict === 'affected' ? 'warning' : 'info';
        messageId = 'vxlanUnknown';
      }
      const markOption = matchOption(rule, 'mark', '--mark');
      const related: Related[] = [...vxlan.related, ...kernel.related, ...(mm.related ? [mm.related] : [])];
      const fix = modernFormFix(document, rule, mm);
      yield {
        span: markOption?.span ?? rule.target!.name.span,
        messageId,
        data: { ...data, affected },
        severity,
        ...(related.length ? { related } : {}),
        ...(fix ? { fixes: [fix] } : {}),
      };
    }
  },
});

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Module names kube-proxy's old rule may carry; anything else would be lost by the rewrite. */
const OLD_FORM_MODULES = new Set(['comment', 'mark']);

/**
 * Rewrites the old rule into the three rules kube-proxy writes since k/k#92035, in the file's own
 * line breaks and counters style, keeping the old rule's target options (`--random-fully`).
 */
function modernFormFix(document: ParsedDocument<'iptables'>, rule: IptRule, mm: MasqueradeMark): Fix | undefined {
  const target = rule.target;
  if (document.model.variant !== 'save' || rule.command.value !== '-A' || !target) return undefined;
  if (rule.source || rule.destination || rule.inInterface || rule.outInterface || rule.protocol || rule.fragment) return undefined;
  if (rule.matches.some((m) => !OLD_FORM_MODULES.has(m.name.value))) return undefined;
  const text = document.text;
  const chain = rule.chain.value;
  const prefix = countersPrefix(rule);
  const tail = text.slice(target.name.span.end, target.span.end);
  const eol = lineBreakAt(text, document.lines.lineEnd(rule.line));
  const lines = [
    `${prefix}-A ${chain} -m mark ! --mark ${mm.hex}/${mm.hex} -j RETURN`,
    `${prefix}-A ${chain} -j MARK --set-xmark ${mm.hex}/0x0`,
    `${prefix}-A ${chain} -m comment --comment "${SNAT_COMMENT}" -j MASQUERADE${tail}`,
  ];
  return {
    kind: 'edit',
    title: 'Rewrite into the unmark-before-masquerade form of kube-proxy 1.19',
    edits: [{ span: { start: document.lines.lineStart(rule.line), end: rule.span.end }, newText: lines.join(eol) }],
    // kube-proxy rewrites the chain on its next sync; the edit only lasts with a fixed kube-proxy.
    safe: false,
  };
}
