import type { Severity } from '../../core/severity';
import { compareVersions } from '../../core/version';
import { describeFact } from '../../node/facts';
import type { IptRule, IptablesModel } from '../../formats/iptables/model';
import { isComplete, matchOption, table, targetName, chainRules } from '../../formats/iptables/query';
import { kubeProxyConfigs } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';
import { note, reviewFix, run, write } from '../shared/commands';
import { defineRule, type FindingMessage, type Fix, type Related } from '../rule';
import { factRelated } from '../../node/questions';
import { insertLinesBefore } from '../shared/edits';
import { chainAnchor, countersPrefix, iptablesCommand } from './support';
import { nodePath } from '../../node/nodePath';

const BE_LIBERAL = 'net.netfilter.nf_conntrack_tcp_be_liberal';
/** kube-proxy adds the INVALID drop from about 1.15 (k/k#74840; exact release unconfirmed). */
const INVALID_DROP_SINCE = [1, 15];

/**
 * NET-IPT-004: without kube-proxy's `--ctstate INVALID -j DROP` in KUBE-FORWARD (or
 * `nf_conntrack_tcp_be_liberal=1`), an out-of-window TCP packet of a DNATed connection is not
 * un-NATed, reaches the pod or host with the Service address and triggers a RST.
 */
export default defineRule({
  meta: {
    id: 'iptables/forward-invalid-drop',
    title: 'KUBE-FORWARD without the conntrack INVALID drop (connection resets under load)',
    severity: 'warning',
    reads: 'iptables',
    uses: ['sysctl', 'k8s'],
    fix: 'edit',
    messages: {
      kubeProxyTooOld: `KUBE-FORWARD has no "-m conntrack --ctstate INVALID -j DROP" rule (kube-proxy writes it from about 1.15): an out-of-window TCP packet of a connection to a Service is marked INVALID, skips the reverse NAT and reaches the pod or host with the Service address, which answers with a RST, so connections are reset under load. kube-proxy {kubeProxy} predates the rule; upgrade it, or set ${BE_LIBERAL} = 1.`,
      // {evidence}: what is known about kube-proxy and be_liberal, and what is unknown (sentences with a leading space).
      missing: `KUBE-FORWARD has no "-m conntrack --ctstate INVALID -j DROP" rule (kube-proxy writes it from about 1.15): an out-of-window TCP packet of a connection to a Service is marked INVALID, skips the reverse NAT and reaches the pod or host with the Service address, which answers with a RST, so connections are reset under load.{evidence} Restart kube-proxy so it rewrites its rules, or set ${BE_LIBERAL} = 1 (kube-proxy 1.29+: conntrack.tcpBeLiberal: true).`,
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const filter = table(model, 'filter');
    const rules = chainRules(filter, 'KUBE-FORWARD');
    // An empty or absent chain: kube-proxy does not manage this table (another back end, another mode).
    if (!filter || rules.length === 0 || rules.some(isInvalidDrop)) return;
    // A missing rule is only missing in a whole table (not in a fragment or a cut paste).
    if (!isComplete(model, filter)) return;
    const mode = node.facts.kubeProxyMode;
    if (mode?.value === 'nftables') return;

    const related: Related[] = [];
    let liberal: { value: number; text: string } | undefined;
    for (const doc of node.ofKind('sysctl')) {
      const e = effective(doc.model, BE_LIBERAL);
      if (e?.number === undefined) continue;
      liberal = { value: e.number, text: `${BE_LIBERAL} = ${e.number} (from ${nodePath(doc, node)})` };
      related.push({ document: doc, span: e.value.span, message: `${BE_LIBERAL} = ${e.number}` });
      break;
    }
    // be_liberal accepts out-of-window packets: kube-proxy ≥ 1.29 leaves the rule out on purpose.
    if (liberal && liberal.value !== 0) return;
    for (const doc of node.ofKind('k8s')) {
      for (const kp of kubeProxyConfigs(doc.model)) if (kp.conntrack.tcpBeLiberal.present && kp.conntrack.tcpBeLiberal.value) return;
    }

    const kp = node.facts.kubeProxyVersion;
    const inferred = kp ? undefined : newKubeProxyEvidence(model);
    const parts: string[] = [];
    let words: FindingMessage<'kubeProxyTooOld' | 'missing'>;
    let severity: Severity = 'warning';
    if (kp && compareVersions(kp.value, INVALID_DROP_SINCE) < 0) {
      severity = 'info';
      words = { messageId: 'kubeProxyTooOld', data: { kubeProxy: describeFact(kp, (v) => v.text) } };
    } else {
      const unknown: string[] = [];
      if (kp) {
        parts.push(`kube-proxy is ${describeFact(kp, (v) => v.text)}.`);
        related.push(...factRelated(kp, `kube-proxy ${kp.value.text}`));
      } else if (inferred) {
        parts.push(`This dump has ${inferred.text}, so kube-proxy is newer than 1.15.`);
        related.push({ document, span: inferred.span, message: inferred.text });
      } else unknown.push(`the kube-proxy version (set kubeNetlint.facts.kubeProxyVersion or add the kube-proxy DaemonSet; releases before about 1.15 never wrote the rule)`);
      if (liberal) parts.push(`${liberal.text}, so conntrack does not accept those packets either.`);
      else unknown.push(`${BE_LIBERAL} (add \`sysctl -a\` output to the node folder; with 1 the rule is not needed and kube-proxy 1.29+ leaves it out)`);
      if (unknown.length) {
        severity = 'info';
        parts.push(`Unknown: ${unknown.join('; ')}.`);
      }
      words = { messageId: 'missing', data: { evidence: parts.map((p) => ` ${p}`).join('') } };
    }

    const fixes: Fix[] = [];
    const first = rules[0]!;
    if (model.variant === 'save' && first.command.value === '-A') {
      fixes.push({
        kind: 'edit',
        title: 'Add the INVALID drop as the first KUBE-FORWARD rule',
        edits: [insertLinesBefore(document, first.line, [`${countersPrefix(first)}-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP`])],
        safe: false,
      });
    }
    // Three alternatives, one to choose: the script lists them, the user picks (needs review).
    fixes.push(
      reviewFix('Restore the INVALID drop or let conntrack accept out-of-window packets', 'these are alternatives (restart kube-proxy, add the DROP rule, or be liberal in conntrack): run the one that fits this node', [
        note('Let kube-proxy rewrite its rules (the DaemonSet name may differ; k3s embeds kube-proxy in the k3s service):'),
        run('kubectl', '-n', 'kube-system', 'rollout', 'restart', 'daemonset', 'kube-proxy'),
        note('Or, immediately on the node:'),
        run(iptablesCommand(model), '-t', 'filter', '-I', 'KUBE-FORWARD', '1', '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'),
        note('Alternative: have conntrack accept out-of-window packets (kube-proxy 1.29+ then leaves the rule out on purpose):'),
        run('sysctl', '-w', `${BE_LIBERAL}=1`),
        write('/etc/sysctl.d/90-tcp-be-liberal.conf', `${BE_LIBERAL} = 1`),
      ]),
    );
    yield {
      span: chainAnchor(filter, 'KUBE-FORWARD')!,
      ...words,
      severity,
      ...(related.length ? { related } : {}),
      fixes,
    };
  },
});

function isInvalidDrop(rule: IptRule): boolean {
  if (targetName(rule) !== 'DROP') return false;
  const o = matchOption(rule, 'conntrack', '--ctstate') ?? matchOption(rule, 'state', '--state');
  return o !== undefined && !o.negation && (o.values[0]?.value ?? '').split(',').includes('INVALID');
}

/** Chains only kube-proxy 1.24+ writes (KUBE-EXT-*, KUBE-SVL-*, KUBE-PROXY-FIREWALL): newer than 1.15. */
function newKubeProxyEvidence(model: IptablesModel): { text: string; span: { start: number; end: number } } | undefined {
  for (const t of model.tables) {
    for (const c of t.chains) {
      const n = c.name.value;
      if (n === 'KUBE-PROXY-FIREWALL' || n.startsWith('KUBE-EXT-') || n.startsWith('KUBE-SVL-')) return { text: `chain ${n} (kube-proxy 1.24 or later)`, span: c.name.span };
    }
  }
  return undefined;
}
