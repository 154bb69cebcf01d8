import type { Severity } from '../../core/severity';
import type { NodeSnapshot } from '../../node/snapshot';
import { kubeProxyConfigs } from '../../formats/k8s';
import { defineRule, type FindingMessage, type Fix, type Related } from '../rule';
import { cite, documentRole, nodeNumber, relatedEntry, setValueFixes } from './shared';
import { numberOf } from '../../formats/sysctl/query';
import { nodePath } from '../../node/nodePath';

const KEY = 'net.netfilter.nf_conntrack_tcp_timeout_established';
const KEEPALIVE = 'net.ipv4.tcp_keepalive_time';
const KERNEL_DEFAULT = 432000;
const KUBE_PROXY_DEFAULT = 86400;

interface KubeProxyTimeout {
  readonly seconds: number;
  readonly raw: string;
  readonly related: Related;
  readonly path: string;
}

/** `conntrack.tcpEstablishedTimeout` of a kube-proxy configuration in the node folder. */
function kubeProxyTimeout(node: NodeSnapshot): KubeProxyTimeout | undefined {
  for (const d of node.ofKind('k8s')) {
    for (const kp of kubeProxyConfigs(d.model)) {
      const t = kp.conntrack.tcpEstablishedTimeout;
      if (t.present && Number.isFinite(t.value)) return { seconds: t.value, raw: t.raw, path: nodePath(d, node), related: { document: d, span: t.span, message: `kube-proxy conntrack.tcpEstablishedTimeout: ${t.raw}` } };
    }
  }
  return undefined;
}

const human = (s: number): string => (s % 86400 === 0 ? `${s / 86400} d` : s % 3600 === 0 ? `${s / 3600} h` : `${s} s`);

/**
 * NET-CT-007: the established-TCP conntrack timeout against the keepalive time (warning when
 * conntrack forgets idle connections before keepalive refreshes them) and against kube-proxy's
 * configuration (info: the kernel's 5-day default left in place, or a value other than the one
 * kube-proxy was told to set).
 */
export default defineRule({
  meta: {
    id: 'sysctl/conntrack-tcp-timeout-established',
    title: 'conntrack established-TCP timeout shorter than keepalive or not what kube-proxy sets',
    severity: 'warning',
    reads: 'sysctl',
    uses: ['k8s'],
    fix: 'edit',
    messages: {
      shorterThanKeepalive: '{key} = {value} ({human}) is shorter than {keepalive}: conntrack forgets an idle connection before the first keepalive probe refreshes it, and the next packet of that connection through NAT or a Service is INVALID and dropped (pooled database and gRPC connections hang or get reset).',
      shorterThanKeepaliveLowerIt: '{key} = {value} ({human}) is shorter than {keepalive}: conntrack forgets an idle connection before the first keepalive probe refreshes it, and the next packet of that connection through NAT or a Service is INVALID and dropped (pooled database and gRPC connections hang or get reset). Lower {keepaliveKey} below it rather than raising the timeout.',
      kernelDefaultLeft:
        "{key} = {value} is the kernel default (5 days), left in place because kube-proxy's conntrack.tcpEstablishedTimeout is 0 ({path}): entries of peers that vanished without closing stay for 5 days and can fill the conntrack table. kube-proxy's default is {kubeProxyDefault} (24 h).",
      differsFromKubeProxyInFile: "{key} = {value} ({human}) differs from kube-proxy's conntrack.tcpEstablishedTimeout {kubeProxy} ({path}): kube-proxy writes its value at start, and re-applying this file (boot, `sysctl --system`) replaces it.",
      differsFromKubeProxy: "{key} = {value} ({human}) differs from kube-proxy's conntrack.tcpEstablishedTimeout {kubeProxy} ({path}): something re-applied sysctls after kube-proxy started, or kube-proxy could not write it (check its log).",
    },
  },
  *check({ document, node }) {
    const e = numberOf(document, KEY);
    if (!e) return;
    const file = documentRole(document) === 'file';
    const keepalive = nodeNumber(document, node, KEEPALIVE);
    const kp = kubeProxyTimeout(node);
    const related: Related[] = [];
    let words: FindingMessage<'shorterThanKeepalive' | 'shorterThanKeepaliveLowerIt' | 'kernelDefaultLeft' | 'differsFromKubeProxyInFile' | 'differsFromKubeProxy'>;
    const value = { key: KEY, value: e.number, human: human(e.number) };
    let severity: Severity | undefined;
    let target: number | undefined;

    if (keepalive && e.number < keepalive.entry.number) {
      words = { messageId: 'shorterThanKeepalive', data: { ...value, keepalive: cite(keepalive, node) } };
      if (keepalive.document === document) related.push(relatedEntry(document, keepalive.entry, 'keepalive starts only after this many idle seconds'));
      else related.push(relatedEntry(keepalive.document, keepalive.entry, 'keepalive time on this node'));
      const wanted = kp && kp.seconds > keepalive.entry.number ? kp.seconds : KUBE_PROXY_DEFAULT;
      if (wanted > keepalive.entry.number) target = wanted;
      else words = { messageId: 'shorterThanKeepaliveLowerIt', data: { ...value, keepalive: cite(keepalive, node), keepaliveKey: KEEPALIVE } };
    } else if (kp && kp.seconds === 0 && e.number === KERNEL_DEFAULT) {
      severity = 'info';
      words = { messageId: 'kernelDefaultLeft', data: { key: KEY, value: KERNEL_DEFAULT, path: nodePath(kp, node), kubeProxyDefault: KUBE_PROXY_DEFAULT } };
      related.push(kp.related);
      target = KUBE_PROXY_DEFAULT;
    } else if (kp && kp.seconds > 0 && kp.seconds !== e.number) {
      severity = 'info';
      words = { messageId: file ? 'differsFromKubeProxyInFile' : 'differsFromKubeProxy', data: { ...value, kubeProxy: kp.raw, path: nodePath(kp, node) } };
      related.push(kp.related);
      if (!keepalive || kp.seconds > keepalive.entry.number) target = kp.seconds;
    } else return;

    const fixes: Fix[] =
      target === undefined
        ? []
        : setValueFixes(document, e, String(target), {
            title: `Set ${KEY} = ${target}`,
            safe: severity === undefined,
            why: ['conntrack must keep idle established TCP connections longer than keepalive takes to refresh them.'],
            dropIn: '90-conntrack-tcp-timeout-established.conf',
          });
    yield { span: e.span, ...words, ...(severity ? { severity } : {}), related, fixes };
  },
});
