import type { Severity } from '../../core/severity';
import type { NodeSnapshot } from '../../node/snapshot';
import type { SysctlEntry } from '../../formats/sysctl';
import { defineRule, type Fix, type Finding } from '../rule';
import { run, write } from '../shared/commands';
import { commandFix, documentRole, ipv6Pods, isFullDump, setValueFixes, type SysctlDoc } from './shared';
import { numberOf } from '../../formats/sysctl/query';
import { nodePath } from '../../node/nodePath';

const V4 = 'net.bridge.bridge-nf-call-iptables';
const V6 = 'net.bridge.bridge-nf-call-ip6tables';

interface CniContext {
  /** `bridge`: pods hang off a Linux bridge (flannel, kubenet, bridge plugin); `routed`: Calico / Cilium without a bridge. */
  readonly kind: 'bridge' | 'routed' | 'unknown';
  readonly evidence?: string;
}

const BRIDGE_IFACE = /^net\.ipv4\.conf\.(cni\d*|cbr0|docker0|kube-bridge)\./;
const ROUTED_IFACE = /^net\.ipv4\.conf\.(cali[\w-]*|lxc[\w-]*|cilium_[\w-]+)\./;

/** Which CNI family the node's files point at; a Linux bridge interface wins over routed-CNI hints. */
function cniContext(node: NodeSnapshot): CniContext {
  let routed: string | undefined;
  for (const d of node.ofKind('sysctl')) {
    for (const e of d.model.entries) {
      const b = BRIDGE_IFACE.exec(e.key);
      if (b) return { kind: 'bridge', evidence: `bridge interface ${b[1]} in ${nodePath(d, node)}` };
      const r = routed ? null : ROUTED_IFACE.exec(e.key);
      if (r) routed = `interface ${r[1]} in ${nodePath(d, node)}`;
    }
  }
  const f = node.facts;
  for (const ipt of node.ofKind('iptables')) {
    for (const t of ipt.model.tables) {
      const c = t.chains.find((ch) => /^(?:cali-|CILIUM_)/.test(ch.name.value));
      if (c && !routed) routed = `chain ${c.name.value} in ${nodePath(ipt, node)}`;
    }
  }
  if (routed) return { kind: 'routed', evidence: routed };
  if (f.flannelBackend) return { kind: 'bridge', evidence: `flannel (backend ${f.flannelBackend.value}) uses the cni0 bridge` };
  if (f.vxlanDevice?.value.startsWith('flannel')) return { kind: 'bridge', evidence: `flannel device ${f.vxlanDevice.value} (flannel uses the cni0 bridge)` };
  return { kind: 'unknown' };
}

/** The entry a missing key would sit before in the sorted `sysctl -a` output: where the finding is shown. */
function whereMissing(doc: SysctlDoc, key: string): SysctlEntry | undefined {
  let before: SysctlEntry | undefined;
  for (const e of doc.model.entries) {
    if (e.key > key) return e;
    before = e;
  }
  return before;
}

const WHY =
  'packets switched inside the pod bridge (pod to pod on this node, and the replies of a Service whose endpoint is on this node) skip iptables, so conntrack never reverses the Service DNAT: the client gets a reply from the pod IP instead of the ClusterIP and drops it.';
const BRIDGE = 'This node uses a Linux bridge for pods ({evidence}).';
const UNKNOWN_CNI = 'Which CNI this node uses is unknown: it matters for Linux-bridge CNIs (flannel, kubenet, the bridge plugin), not for routed Calico or Cilium.';
const REAPPLIED = ' Re-applying this file (boot, `sysctl --system`) switches it off again.';
const NOT_LOADED = '{key} is missing from this complete `sysctl -a` (it would be listed here): the br_netfilter module is not loaded, so';
const KUBE_PROXY_LOG = ' kube-proxy logs "Missing br-netfilter module or unset sysctl br-nf-call-iptables".';

/**
 * NET-SYS-002: bridged pod traffic bypasses iptables — the sysctl is 0, or (full `sysctl -a`)
 * `net.bridge.*` is missing because `br_netfilter` is not loaded.
 */
export default defineRule({
  meta: {
    id: 'sysctl/bridge-nf-call-iptables-disabled',
    title: 'Bridged pod traffic bypasses iptables (bridge-nf-call-iptables off or br_netfilter not loaded)',
    severity: 'warning',
    reads: 'sysctl',
    uses: ['k8s', 'iptables', 'ethtool'],
    fix: 'edit',
    messages: {
      offBridge: `{key} = 0, so ${WHY} ${BRIDGE}`,
      offUnknownCni: `{key} = 0, so ${WHY} ${UNKNOWN_CNI}`,
      offBridgeInFile: `{key} = 0, so ${WHY} ${BRIDGE}${REAPPLIED}`,
      offUnknownCniInFile: `{key} = 0, so ${WHY} ${UNKNOWN_CNI}${REAPPLIED}`,
      notLoadedBridge: `${NOT_LOADED} ${WHY} ${BRIDGE}${KUBE_PROXY_LOG}`,
      notLoadedUnknownCni: `${NOT_LOADED} ${WHY} ${UNKNOWN_CNI}${KUBE_PROXY_LOG}`,
    },
  },
  *check({ document, node }) {
    const cni = cniContext(node);
    if (cni.kind === 'routed') return;
    const severity: Severity | undefined = cni.kind === 'bridge' ? undefined : 'info';
    const bridge = cni.kind === 'bridge';
    const evidence: Readonly<Record<string, string>> = cni.kind === 'bridge' && cni.evidence !== undefined ? { evidence: cni.evidence } : {};

    const keys = ipv6Pods(node) ? [V4, V6] : [V4];
    const full = isFullDump(document);
    const file = documentRole(document) === 'file';
    let missingReported = false;
    for (const key of keys) {
      const e = numberOf(document, key);
      if (e && e.number === 0) {
        const fixes: Fix[] = setValueFixes(document, e, '1', {
          title: `Set ${key} = 1`,
          safe: true,
          why: ['Let iptables (kube-proxy Service NAT) see traffic bridged between pods.'],
          dropIn: key === V4 ? '90-kubernetes-bridge-nf-call-iptables.conf' : '90-kubernetes-bridge-nf-call-ip6tables.conf',
        });
        const finding: Finding<'offBridge' | 'offUnknownCni' | 'offBridgeInFile' | 'offUnknownCniInFile'> = {
          span: e.span,
          messageId: bridge ? (file ? 'offBridgeInFile' : 'offBridge') : file ? 'offUnknownCniInFile' : 'offUnknownCni',
          data: { key, ...evidence },
          ...(severity ? { severity } : {}),
          fixes,
        };
        yield finding;
      } else if (!e && full && !missingReported && !document.model.entries.some((x) => x.key.startsWith('net.bridge.'))) {
        // A complete sysctl -a without any net.bridge.* key: br_netfilter is not loaded at all.
        missingReported = true;
        const at = whereMissing(document, key);
        if (!at) continue;
        yield {
          span: at.span,
          messageId: bridge ? 'notLoadedBridge' : 'notLoadedUnknownCni',
          data: { key, ...evidence },
          ...(severity ? { severity } : {}),
          fixes: [
            commandFix(
              'Load br_netfilter and enable bridge-nf-call-iptables',
              ['br_netfilter is not loaded: traffic bridged between pods skips iptables (Service NAT replies are lost).'],
              keys.map((k) => ({ key: k, value: '1' })),
              '90-kubernetes-bridge-nf-call.conf',
              { before: [run('modprobe', 'br_netfilter'), write('/etc/modules-load.d/br_netfilter.conf', 'br_netfilter')] },
            ),
          ],
        };
      }
    }
  },
});
