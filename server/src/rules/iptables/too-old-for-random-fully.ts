import { compareVersions } from '../../core/version';
import { describeFact } from '../../node/facts';
import type { IptRule } from '../../formats/iptables/model';
import { table, targetName, targetOption } from '../../formats/iptables/query';
import { defineRule, type Related } from '../rule';
import { chainRules, clearsMark, factRelated, iptablesTooOldForRandomFully, isMarkedMasquerade, masqueradeMark } from './support';

/** kube-proxy adds `--random-fully` from 1.16; official images carry an iptables new enough from 1.17 (k/k#82966). */
const RANDOM_FULLY_KUBE_PROXY = [1, 16];
const IMAGE_WITH_IPTABLES_18 = [1, 17];

/**
 * NET-SNAT-002: kube-proxy only adds `--random-fully` to its KUBE-POSTROUTING masquerade rule when it
 * is 1.16 or newer and the iptables it runs reports 1.6.2 or newer; older set-ups silently skip it.
 */
export default defineRule({
  meta: {
    id: 'iptables/too-old-for-random-fully',
    title: 'kube-proxy or iptables too old to add --random-fully to KUBE-POSTROUTING',
    severity: 'info',
    reads: 'iptables',
    uses: ['k8s'],
  },
  *check({ document, node }) {
    const { model } = document;
    const mm = masqueradeMark(model, node);
    // kube-proxy's service masquerade rule: the old form, or the MASQUERADE after the mark is cleared.
    const masq: IptRule[] = [];
    let cleared = false;
    for (const r of chainRules(table(model, 'nat'), 'KUBE-POSTROUTING')) {
      if (clearsMark(r, mm.mark)) cleared = true;
      else if (targetName(r) === 'MASQUERADE' && (cleared || isMarkedMasquerade(r, mm.mark))) masq.push(r);
    }
    const first = masq[0];
    if (!first || masq.some((r) => targetOption(r, '--random-fully'))) return;

    const kp = node.facts.kubeProxyVersion;
    const hostOld = iptablesTooOldForRandomFully(model);
    const ruleRelated: Related = { document, span: first.span, message: 'kube-proxy masquerade rule without --random-fully' };

    if (kp && compareVersions(kp.value, IMAGE_WITH_IPTABLES_18) < 0) {
      const why =
        compareVersions(kp.value, RANDOM_FULLY_KUBE_PROXY) < 0
          ? `kube-proxy ${describeFact(kp, (v) => v.text)} predates --random-fully (added in 1.16, k/k#78547)`
          : `kube-proxy ${describeFact(kp, (v) => v.text)} adds --random-fully only when its own iptables is 1.6.2 or newer, and the official 1.16 images ship an older one (1.17 images moved to iptables 1.8, k/k#82966)`;
      yield {
        span: first.chain.span,
        message: `${why}, so its service masquerade rule picks SNAT source ports without it and parallel connections can collide (insert_failed, 1 s connect delays). Upgrade kube-proxy to 1.17 or later.`,
        related: [...factRelated(kp, `kube-proxy ${kp.value.text}`), ...(hostOld ? [{ document, span: hostOld.span, message: `iptables ${hostOld.value}` }] : [])],
      };
      return;
    }
    if (hostOld) {
      const kpText = kp ? ` kube-proxy ${describeFact(kp, (v) => v.text)} normally runs the iptables of its own image, so this is only a hint.` : ' kube-proxy normally runs the iptables of its own image, which may be newer (the kube-proxy version is unknown: set kubeNetlint.facts.kubeProxyVersion or add its DaemonSet).';
      yield {
        span: hostOld.span,
        message: `This dump was written by iptables ${hostOld.value}, older than 1.6.2: kube-proxy adds --random-fully only when the iptables it runs is 1.6.2 or newer, and an iptables this old does not know the flag, so its dump could not show it even if the kernel rule had it.${kpText} Upgrade iptables on the host (and kube-proxy to 1.17 or later).`,
        severity: 'hint',
        related: [ruleRelated, ...factRelated(kp, `kube-proxy ${kp?.value.text ?? ''}`)],
      };
    }
  },
});
