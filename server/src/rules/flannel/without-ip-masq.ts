import { appendToSequence, child } from '../../formats/k8s';
import { defineRule, type Fix } from '../rule';
import { containerSpan, editIn, flannelWorkloads } from './manifest';

/** NET-FL-004: flanneld runs without --ip-masq, so pod traffic leaving the pod network keeps pod source addresses. */
export default defineRule({
  meta: {
    id: 'flannel/without-ip-masq',
    title: 'flanneld without --ip-masq (pod egress not masqueraded by flannel)',
    severity: 'info',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      noIpMasq:
        "flanneld ({container}) runs without --ip-masq: traffic from pods to addresses outside the pod network leaves the node with the pod's source address, which the underlay usually cannot route back, unless something else (ip-masq-agent, cloud NAT) masquerades it. The upstream manifest passes --ip-masq and --kube-subnet-mgr.",
    },
  },
  *check({ document }) {
    const { model, text } = document;
    for (const { flanneld } of flannelWorkloads(model, text)) {
      for (const c of flanneld) {
        const flag = c.flags.find((f) => f.name.value.replace(/^-+/, '') === 'ip-masq');
        // Any --ip-masq counts: an explicit --ip-masq=false is a decision (ip-masq-agent, cloud NAT), not an omission.
        if (flag) continue;
        // flanneld reads every flag from FLANNELD_<NAME> too.
        if (c.env.some((e) => e.name?.value === 'FLANNELD_IP_MASQ' && e.value !== undefined)) continue;
        const fixes: Fix[] = [];
        const fromShell = c.flags.some((f) => f.source === 'shell');
        if (!fromShell) {
          const seq = c.args.length > 0 || c.command.length <= 1 ? 'args' : 'command';
          const edits = editIn(text, model, child(c.ref, seq), (s, r) => appendToSequence(s, r, '--ip-masq'));
          if (edits) fixes.push({ kind: 'edit', title: `Add --ip-masq to ${c.name?.value ?? 'flanneld'}'s ${seq}`, edits, safe: false });
        }
        yield {
          span: containerSpan(text, c),
          messageId: 'noIpMasq',
          data: { container: c.name?.value ?? 'container' },
          ...(fixes.length ? { fixes } : {}),
        };
      }
    }
  },
});
