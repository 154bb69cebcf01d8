import { downgrade } from '../../core/severity';
import { child, kubeProxyConfigs, setScalar, type EditValue, type KubeProxyConfigView, type TextEdit } from '../../formats/k8s';
import { defineRule, type Fix, type Related } from '../rule';
import { nodeSysctl } from './shared';
import { known } from '../../formats/k8s/query';

const DEFAULT_MAX_PER_CORE = 32768;
const DEFAULT_MIN = 131072;

function fix(text: string, kp: KubeProxyConfigView, field: string, value: EditValue, title: string): Fix[] {
  const edits: TextEdit[] | undefined = setScalar(text, child(kp.ref, 'conntrack', field), value);
  return edits ? [{ kind: 'edit', title, edits, safe: false }] : [];
}

export default defineRule({
  meta: {
    id: 'kube-proxy/conntrack-management-unusual',
    title: 'kube-proxy conntrack sizing or timeouts disabled or below its defaults',
    severity: 'info',
    reads: 'k8s',
    uses: ['sysctl'],
    fix: 'edit',
    messages: {
      maxPerCoreZeroSmallTable:
        "conntrack.maxPerCore: 0 tells kube-proxy to leave nf_conntrack_max alone (and ignore conntrack.min), so the kernel's RAM-based default applies: {max} here, below the {floor} kube-proxy would set at least; a busy node fills the table and drops new connections (\"nf_conntrack: table full\").",
      maxPerCoreZeroUnknownTable: "conntrack.maxPerCore: 0 tells kube-proxy to leave nf_conntrack_max alone (and ignore conntrack.min), so the kernel's RAM-based default applies; nf_conntrack_max is unknown, so whether that is too small cannot be told (add sysctl -a output to this node folder).",
      maxPerCoreLow: "conntrack.maxPerCore: {value} is below kube-proxy's default {default}: nf_conntrack_max becomes {value} × CPUs (at least conntrack.min), which Service-heavy nodes can fill.",
      minLow: "conntrack.min: {value} is below kube-proxy's default {default}: on nodes with few CPUs nf_conntrack_max ends up small enough to fill under load.",
      establishedTimeoutZero:
        "conntrack.tcpEstablishedTimeout: 0 leaves nf_conntrack_tcp_timeout_established at the kernel default of 5 days instead of kube-proxy's 24 h: entries of connections that vanished without FIN/RST occupy the table for days.",
    },
  },
  *check({ document, node }) {
    for (const kp of kubeProxyConfigs(document.model)) {
      const ct = kp.conntrack;
      const maxPerCore = ct.maxPerCore;
      if (known(maxPerCore) && maxPerCore.value === 0) {
        const max = nodeSysctl(node, 'net.netfilter.nf_conntrack_max') ?? nodeSysctl(node, 'net.nf_conntrack_max');
        const related: Related[] = max ? [{ document: max.document, span: max.span, message: `nf_conntrack_max = ${max.value}` }] : [];
        if (!(max?.number !== undefined && max.number >= DEFAULT_MIN)) {
          yield {
            span: maxPerCore.span,
            ...(max?.number !== undefined
              ? { messageId: 'maxPerCoreZeroSmallTable' as const, data: { max: max.value, floor: DEFAULT_MIN } }
              : { messageId: 'maxPerCoreZeroUnknownTable' as const }),
            ...(max?.number !== undefined ? {} : { severity: downgrade('info') }),
            related,
            fixes: fix(document.text, kp, 'maxPerCore', DEFAULT_MAX_PER_CORE, `Set conntrack.maxPerCore: ${DEFAULT_MAX_PER_CORE} (the default)`),
          };
        }
      } else if (known(maxPerCore) && maxPerCore.value > 0 && maxPerCore.value < DEFAULT_MAX_PER_CORE) {
        yield {
          span: maxPerCore.span,
          messageId: 'maxPerCoreLow',
          data: { value: maxPerCore.value, default: DEFAULT_MAX_PER_CORE },
          severity: 'hint',
          fixes: fix(document.text, kp, 'maxPerCore', DEFAULT_MAX_PER_CORE, `Set conntrack.maxPerCore: ${DEFAULT_MAX_PER_CORE} (the default)`),
        };
      }
      const min = ct.min;
      if (known(min) && min.value < DEFAULT_MIN && !(known(maxPerCore) && maxPerCore.value === 0)) {
        yield {
          span: min.span,
          messageId: 'minLow',
          data: { value: min.value, default: DEFAULT_MIN },
          severity: 'hint',
          fixes: fix(document.text, kp, 'min', DEFAULT_MIN, `Set conntrack.min: ${DEFAULT_MIN} (the default)`),
        };
      }
      const est = ct.tcpEstablishedTimeout;
      if (known(est) && est.value === 0) {
        yield {
          span: est.span,
          messageId: 'establishedTimeoutZero',
          fixes: fix(document.text, kp, 'tcpEstablishedTimeout', '24h0m0s', 'Set conntrack.tcpEstablishedTimeout: 24h0m0s (the default)'),
        };
      }
    }
  },
});
