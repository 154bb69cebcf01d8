import { downgrade } from '../../core/severity';
import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import { child, kubeProxyConfigs, setScalar, type Field, type KubeProxyConfigView } from '../../formats/k8s';
import { defineRule, type Finding, type Fix, type Related } from '../rule';
import { TELL_KUBE_PROXY_VERSION, describeKubeProxy, kubeProxyAtLeast } from '../../node/questions';
import { configMode, known } from '../../formats/k8s/query';

/** Cloud-provider guides put noticeable sync latency at about 1000 Services (NET-IPT-002). */
const LARGE_SERVICES = 1000;
const LATE_MIN_SYNC = 30;
const DEFAULT_SYNC = 30;

type Section = 'iptables' | 'ipvs' | 'nftables';

/** The section of the configuration the proxy mode reads its sync periods from. */
function sectionFor(mode: string | undefined): Section | undefined {
  return mode === 'iptables' || mode === 'ipvs' || mode === 'nftables' ? mode : undefined;
}

interface Scale {
  readonly services: number;
  readonly document: ParsedDocument;
  readonly span: Span;
  readonly what: string;
}

/** How many Services the node's own dumps show (KUBE-SVC-* chains, IPVS virtual services). */
function scale(node: NodeSnapshot): Scale | undefined {
  let best: Scale | undefined;
  for (const d of node.ofKind('iptables')) {
    for (const t of d.model.tables) {
      const chains = t.chains.filter((c) => c.name.value.startsWith('KUBE-SVC-'));
      if (chains.length > (best?.services ?? -1)) best = { services: chains.length, document: d, span: chains[0]?.name.span ?? t.name.span, what: `${chains.length} KUBE-SVC chains` };
    }
  }
  for (const d of node.ofKind('ipvsadm')) {
    const n = d.model.services.length;
    const first = d.model.services[0];
    if (first && n > (best?.services ?? -1)) best = { services: n, document: d, span: first.span, what: `${n} IPVS virtual services` };
  }
  return best;
}

function fmt(seconds: number): string {
  return seconds >= 1 || seconds === 0 ? `${seconds} s` : `${seconds * 1000} ms`;
}

export default defineRule({
  meta: {
    id: 'kube-proxy/sync-period-unusual',
    title: 'kube-proxy syncPeriod / minSyncPeriod out of the useful range',
    severity: 'info',
    reads: 'k8s',
    uses: ['iptables', 'ipvsadm'],
    fix: 'edit',
    messages: {
      // {details}: the version and cluster-size evidence, each sentence with a leading space.
      zeroMinSync:
        '{section}.minSyncPeriod: 0 makes kube-proxy rewrite its rules after every single Service or endpoint change instead of batching them, which costs CPU and lock contention in large clusters.{details}',
      lateMinSync:
        '{section}.minSyncPeriod is {value}: after a change (an endpoint going away, a new Service) kube-proxy may wait that long before updating the rules, so traffic keeps going to deleted pods meanwhile. The default is 1 s; values above {late} s trade correctness for little CPU.',
      syncBelowMin: "{section}.syncPeriod ({sync}) is shorter than {section}.minSyncPeriod ({min}): kube-proxy's validation requires syncPeriod ≥ minSyncPeriod, and the periodic full resync cannot run more often than the minimum interval anyway.",
      syncBelowDefaultMin: "{section}.syncPeriod ({sync}) is shorter than {section}.minSyncPeriod ({min}, the default): kube-proxy's validation requires syncPeriod ≥ minSyncPeriod, and the periodic full resync cannot run more often than the minimum interval anyway.",
    },
  },
  *check({ document, node }) {
    for (const kp of kubeProxyConfigs(document.model)) {
      const section = sectionFor(configMode(kp));
      if (!section) continue;
      const min = kp[section].minSyncPeriod;
      const sync = kp[section].syncPeriod;
      const minFix = (): Fix[] => {
        const edits = setScalar(document.text, child(kp.ref, section, 'minSyncPeriod'), '1s');
        return edits ? [{ kind: 'edit', title: `Set ${section}.minSyncPeriod: 1s (the default)`, edits, safe: false }] : [];
      };
      if (known(min) && min.value === 0) {
        const f = zeroMinSync(node, section, min, minFix);
        if (f) yield f;
      } else if (known(min) && min.value > LATE_MIN_SYNC) {
        yield {
          span: min.span,
          messageId: 'lateMinSync',
          data: { section, value: fmt(min.value), late: LATE_MIN_SYNC },
          fixes: minFix(),
        };
      }
      yield* syncBelowMin(kp, section, sync, min, document.text);
    }
  },
});

function zeroMinSync(node: NodeSnapshot, section: Section, min: Field<number> & { present: true }, minFix: () => Fix[]): Finding<'zeroMinSync'> | undefined {
  const size = scale(node);
  const large = size !== undefined && size.services > LARGE_SERVICES;
  // From 1.19 kube-proxy replaces an iptables minSyncPeriod of 0 by its 1 s default (k/k#92836), and
  // kubeadm writes `minSyncPeriod: 0s` into every ConfigMap it generates: without a known old
  // version, only a cluster known to be large makes this worth a word. nftables mode is as unclear.
  const defaulted = section === 'ipvs' ? 'no' : section === 'iptables' ? kubeProxyAtLeast(node, [1, 19]) : 'unknown';
  if (defaulted === 'yes' || (defaulted === 'unknown' && !large)) return undefined;
  const related: Related[] = size ? [{ document: size.document, span: size.span, message: `cluster size: ${size.what}` }] : [];
  const parts: string[] = [];
  if (section === 'iptables') parts.push(`kube-proxy 1.19 and later treat 0 as the 1 s default; ${defaulted === 'no' ? `this one is older (${describeKubeProxy(node)})` : `the version is unknown (${TELL_KUBE_PROXY_VERSION})`}.`);
  if (section === 'nftables') parts.push('Whether this kube-proxy replaces 0 by a default is not known.');
  parts.push(size ? `The node's dumps show ${size.what}${large ? '' : ', not a large cluster'}.` : 'The cluster size is unknown (add iptables-save or ipvsadm -Ln output to this node folder).');
  return {
    span: min.span,
    messageId: 'zeroMinSync',
    data: { section, details: parts.map((p) => ` ${p}`).join('') },
    ...(large && defaulted === 'no' ? {} : { severity: downgrade('info') }),
    related,
    fixes: minFix(),
  };
}

function* syncBelowMin(kp: KubeProxyConfigView, section: Section, sync: Field<number>, min: Field<number>, text: string) {
  if (!known(sync) || sync.value <= 0) return; // 0 is replaced by the 30 s default
  const minValue = known(min) ? min.value : section === 'iptables' ? 1 : 0;
  if (sync.value >= minValue) return;
  const edits = setScalar(text, child(kp.ref, section, 'syncPeriod'), `${DEFAULT_SYNC}s`);
  yield {
    span: sync.span,
    messageId: known(min) ? ('syncBelowMin' as const) : ('syncBelowDefaultMin' as const),
    data: { section, sync: fmt(sync.value), min: fmt(minValue) },
    severity: 'warning' as const,
    ...(edits ? { fixes: [{ kind: 'edit' as const, title: `Set ${section}.syncPeriod: ${DEFAULT_SYNC}s (the default)`, edits, safe: false }] } : {}),
  };
}
