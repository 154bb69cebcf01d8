import type { Severity } from '../../core/severity';
import { matchOption, table, targetName, chainRules, ruleKey } from '../../formats/iptables/query';
import { note, reviewFix, run } from '../shared/commands';
import { defineRule, type Fix, type Related } from '../rule';
import { FIXED_KUBE_PROXY_RELEASE } from './kube-postrouting-double-snat';
import { vxlanState } from '../../node/questions';
import { deleteLinesEdits, iptablesCommand, POSITION_REVIEW, masqueradeMark, positionInChain, postroutingShape } from './support';

/**
 * NET-KP-002: kube-proxy and kubelet only manage the rules they currently write. After an
 * in-place upgrade the old KUBE-POSTROUTING masquerade rule can stay in the chain next to (worse:
 * ahead of) the new unmark-then-masquerade rules, and POSTROUTING can collect several jumps to it.
 */
/** What to do about a stale rule; {flush} is the flush command for this dump's iptables. */
const FLUSH = `Flush the chain and let kube-proxy re-sync ({flush}, or reboot the node), and run kubelet at ${FIXED_KUBE_PROXY_RELEASE} like kube-proxy.`;

export default defineRule({
  meta: {
    id: 'iptables/kube-postrouting-stale-rule',
    title: 'Stale KUBE-POSTROUTING rules left by an in-place kube-proxy/kubelet upgrade',
    severity: 'warning',
    reads: 'iptables',
    uses: ['ethtool', 'k8s'],
    fix: 'edit',
    messages: {
      oldRuleFirstOnVxlan: `KUBE-POSTROUTING has the old masquerade rule (mark {mark} left set) ahead of the new rule that clears the mark (line {clearLine}): marked packets hit the old rule first, so the upgrade\'s fix has no effect and VXLAN-encapsulated packets are still masqueraded twice ({vxlan}). ${FLUSH}`,
      oldRuleFirst: `KUBE-POSTROUTING has the old masquerade rule (mark {mark} left set) ahead of the new rule that clears the mark (line {clearLine}): marked packets hit the old rule first, so the upgrade\'s fix has no effect and VXLAN-encapsulated packets are still masqueraded twice; {vxlan}. ${FLUSH}`,
      oldRuleAfterClear: `KUBE-POSTROUTING still has the old masquerade rule after the new rule that clears the mark (line {clearLine}): it no longer matches, but it shows the chain was not flushed after an upgrade, or that an older kubelet still writes it. ${FLUSH}`,
      repeatedJump:
        'POSTROUTING jumps to KUBE-POSTROUTING again (first jump on line {firstLine}): rules are being added on every sync instead of once (a broken iptables -C in some iptables-nft releases, or two components writing the chain), and the rule set keeps growing. Delete the extra jumps or flush and let kube-proxy re-sync ({flush}).',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const mm = masqueradeMark(model, node);
    const shape = postroutingShape(model, mm.mark);
    const cmd = iptablesCommand(model);
    const flush = `${cmd} -t nat -F KUBE-POSTROUTING`;
    const commandFix: Fix = reviewFix('Flush KUBE-POSTROUTING and let kube-proxy re-create it', 'a flush removes every rule of the chain until kube-proxy re-syncs (masquerading stops meanwhile)', [
      note('Remove every rule of the chain; kube-proxy writes its current rules back on its next sync.'),
      run(cmd, '-t', 'nat', '-F', 'KUBE-POSTROUTING'),
      note(`Make it last: run kubelet at ${FIXED_KUBE_PROXY_RELEASE} too (kubelet wrote this chain until 1.28), or reboot the node.`),
    ]);
    const vxlan = vxlanState(node);
    const clear = shape.clear;
    if (clear) {
      for (const { rule, afterClear } of shape.old) {
        let severity: Severity = 'warning';
        let messageId: 'oldRuleFirstOnVxlan' | 'oldRuleFirst' | 'oldRuleAfterClear' = 'oldRuleAfterClear';
        if (!afterClear) {
          if (vxlan.confirmed) severity = 'error';
          messageId = vxlan.confirmed ? 'oldRuleFirstOnVxlan' : 'oldRuleFirst';
        }
        const data = { mark: mm.describe, clearLine: clear.line + 1, vxlan: vxlan.text, flush };
        const related: Related[] = [{ document, span: clear.span, message: 'the new rule that clears the masquerade mark' }, ...(severity === 'error' ? vxlan.related : [])];
        const fixes: Fix[] = model.variant === 'save' ? [{ kind: 'edit', title: 'Delete the stale masquerade rule', edits: deleteLinesEdits(document, [rule]), safe: true }] : [commandFix];
        yield { span: matchOption(rule, 'mark', '--mark')?.span ?? rule.span, messageId, data, severity, related, fixes };
      }
    }

    const jumps = chainRules(table(model, 'nat'), 'POSTROUTING').filter((r) => targetName(r) === 'KUBE-POSTROUTING');
    const first = jumps[0];
    if (!first) return;
    const firstKey = ruleKey(first);
    for (const rule of jumps.slice(1)) {
      const identical = ruleKey(rule) === firstKey;
      const fixes: Fix[] =
        model.variant === 'save'
          ? [{ kind: 'edit', title: 'Delete the repeated jump to KUBE-POSTROUTING', edits: deleteLinesEdits(document, [rule]), safe: identical }]
          : [
              reviewFix('Delete the repeated jump to KUBE-POSTROUTING', POSITION_REVIEW, [
                note('Delete one jump by its position in POSTROUTING; check the numbers first with:'),
                note(`  ${cmd} -t nat -L POSTROUTING -n --line-numbers`),
                run(cmd, '-t', 'nat', '-D', 'POSTROUTING', String(rule.number ?? positionInChain(table(model, 'nat'), rule))),
              ]),
            ];
      yield {
        span: rule.target!.name.span,
        messageId: 'repeatedJump',
        data: { firstLine: first.line + 1, flush },
        severity: 'warning',
        related: [{ document, span: first.span, message: 'the first jump to KUBE-POSTROUTING' }],
        fixes,
      };
    }
  },
});
