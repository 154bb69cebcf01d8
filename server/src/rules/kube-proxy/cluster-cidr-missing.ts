import type { Severity } from '../../core/severity';
import type { Span } from '../../core/span';
import { child, flannelConfigs, kubeProxyConfigs, setValue, type KubeProxyConfigView } from '../../formats/k8s';
import { defineRule, type Fix, type Related } from '../rule';
import { type K8sFile } from './shared';
import { hasKubeadmConfig, known } from '../../formats/k8s/query';

const MESSAGE_WHY =
  'kube-proxy cannot tell pod traffic from off-cluster traffic, so it does not masquerade Service traffic coming from outside the pod network (nodes, hosts routing to ClusterIPs): replies can take another path and connections fail. kube-proxy logs "clusterCIDR not specified, unable to distinguish between internal and external traffic".';

const HEAD = `clusterCIDR is {state} and detectLocalMode is {detectLocalMode}: ${MESSAGE_WHY}`;
const KUBEADM = 'This is kubeadm input: kubeadm fills clusterCIDR from networking.podSubnet when it writes the kube-proxy ConfigMap, so this is fine if podSubnet is set.';
const MAYBE_KUBEADM = 'If this file is kubeadm input, kubeadm fills clusterCIDR from networking.podSubnet; if kube-proxy reads it directly (--config), set it here.';
const FLANNEL = "flannel's pod network is {network}.";
const ADVICE = 'Set clusterCIDR to the pod network, or detectLocalMode: NodeCIDR / InterfaceNamePrefix / BridgeInterface.';

export default defineRule({
  meta: {
    id: 'kube-proxy/cluster-cidr-missing',
    title: 'kube-proxy clusterCIDR missing: cannot tell pod traffic from off-cluster traffic',
    severity: 'warning',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      configMap: `${HEAD} ${ADVICE}`,
      configMapFlannel: `${HEAD} ${FLANNEL}`,
      kubeadmInput: `${HEAD} ${KUBEADM} ${ADVICE}`,
      kubeadmInputFlannel: `${HEAD} ${KUBEADM} ${FLANNEL}`,
      maybeKubeadmInput: `${HEAD} ${MAYBE_KUBEADM} ${ADVICE}`,
      maybeKubeadmInputFlannel: `${HEAD} ${MAYBE_KUBEADM} ${FLANNEL}`,
    },
  },
  *check({ document, node }) {
    const configs = kubeProxyConfigs(document.model);
    if (configs.length === 0) return;
    const kubeadmFile = hasKubeadmConfig(document.model);
    const network = flannelNetwork(document, node.ofKind('k8s'));
    for (const kp of configs) {
      // A fragment (no apiVersion/kind) is a piece of a larger configuration we cannot see.
      if (kp.origin === 'fragment') continue;
      const dlm = kp.detectLocalMode;
      if (dlm.present && (dlm.templated || (dlm.value !== '' && dlm.value !== 'ClusterCIDR'))) continue;
      const cidr = kp.clusterCIDR;
      if (cidr.present && (cidr.templated || cidr.value.trim() !== '')) continue;
      if ((known(kp.iptables.masqueradeAll) && kp.iptables.masqueradeAll.value) || (known(kp.nftables.masqueradeAll) && kp.nftables.masqueradeAll.value)) continue;

      // What kube-proxy reads is the ConfigMap; a standalone KubeProxyConfiguration document is most
      // often kubeadm input, and kubeadm fills clusterCIDR from networking.podSubnet when it writes
      // the ConfigMap.
      const live = kp.origin === 'configmap';
      const severity: Severity | undefined = live ? undefined : 'info';
      const origin = live ? 'configMap' : kp.origin === 'kubeadm' || kp.origin === 'embedded' || kubeadmFile ? 'kubeadmInput' : 'maybeKubeadmInput';
      const related: Related[] = [];
      const fixes: Fix[] = [];
      if (network) {
        related.push({ document: network.file, span: network.span, message: `flannel Network ${network.value}` });
        const edits = setValue(document.text, child(kp.ref, 'clusterCIDR'), network.value);
        if (edits) fixes.push({ kind: 'edit', title: `Set clusterCIDR: ${network.value} (flannel's Network)`, edits, safe: false });
      }
      yield {
        span: spanFor(kp),
        messageId: network ? (`${origin}Flannel` as const) : origin,
        data: { state: cidr.present ? 'empty' : 'not set', detectLocalMode: dlm.present && dlm.value ? dlm.value : 'the default (ClusterCIDR)', ...(network ? { network: network.value } : {}) },
        ...(severity ? { severity } : {}),
        related,
        ...(fixes.length ? { fixes } : {}),
      };
    }
  },
});

/** The empty clusterCIDR value, or (absent) the place the key belongs: the configuration's kind / embedding key. */
function spanFor(kp: KubeProxyConfigView): Span {
  return kp.clusterCIDR.span;
}

/** flannel's `Network` from net-conf.json anywhere in the node (this file first). */
function flannelNetwork(document: K8sFile, others: readonly K8sFile[]): { file: K8sFile; value: string; span: Span } | undefined {
  for (const file of [document, ...others.filter((d) => d !== document && d.uri !== document.uri)]) {
    for (const fl of flannelConfigs(file.model)) {
      if (known(fl.network) && fl.network.value.trim()) return { file, value: fl.network.value.trim(), span: fl.network.span };
    }
  }
  return undefined;
}
