import { compareVersions, parseVersion } from '../../core/version';
import { kubeProxyConfigs } from '../../formats/k8s';
import { isKubeProxyTable } from '../../node/netfilter';
import type { NodeSnapshot } from '../../node/snapshot';
import { configMode, flagConfiguredContainers, flagMode } from '../../formats/k8s/query';
import { defineRule, type Finding, type Related } from '../rule';
import { NFTABLES_MODE_MIN_KERNEL, NFTABLES_MODE_MIN_NFT } from '../shared/kernelGates';
import { factRelated, factWhere } from '../../node/questions';
import { tableLabel } from '../../formats/nftables/query';
import { nodePath } from '../../node/nodePath';

/**
 * The ruleset side of kube-proxy/nftables-prerequisites: the node runs kube-proxy's nftables table
 * on a kernel older than 5.13 (kube-proxy 1.29–1.30 did not check; 1.31+ refuses to start) or the
 * host's `nft` (the one that printed `nft -j`: its metainfo version) is older than 1.0.0, which
 * corrupts tables written by newer nft. When a kube-proxy configuration of the node sets nftables
 * mode, the kernel check is left to kube-proxy/nftables-prerequisites (no double report).
 */
export default defineRule({
  meta: {
    id: 'nftables/mode-prerequisites',
    title: 'kube-proxy nftables table on a kernel older than 5.13 or with host nft older than 1.0.0',
    severity: 'error',
    reads: 'nftables',
    uses: ['sysctl', 'k8s'],
    messages: {
      kernelTooOld:
        'kube-proxy\'s table {table} runs on kernel {kernel} ({kernelFrom}), older than {minKernel}: kube-proxy\'s nftables mode needs nftables features of 5.13 (kube-proxy 1.31 and later refuse to start below it; 1.29–1.30 did not check and fail in ways that are hard to trace). Upgrade the kernel or run kube-proxy in iptables mode.',
      nftTooOld:
        'The host\'s nft is {nft} (nft -j metainfo in {path}), older than {minNft}: older nft binaries can corrupt tables written by newer nft (kube-proxy\'s), e.g. when a host firewall service reloads its own rules. Upgrade the nftables package on the host.',
    },
  },
  *check({ document, node }) {
    const t = document.model.tables.find(isKubeProxyTable);
    if (!t) return;
    const k = node.facts.kernel;
    if (k && compareVersions(k.value, NFTABLES_MODE_MIN_KERNEL) < 0 && !configuredNftables(node)) {
      const related: Related[] = factRelated(k, `kernel ${k.value.text}`);
      const f: Finding<'kernelTooOld'> = {
        span: t.name.span,
        messageId: 'kernelTooOld',
        data: { table: tableLabel(t), kernel: k.value.text, kernelFrom: factWhere(k), minKernel: NFTABLES_MODE_MIN_KERNEL.join('.') },
        related,
      };
      yield f;
    }
    for (const d of node.ofKind('nftables')) {
      const v = d.model.metainfo?.version;
      const parsed = v ? parseVersion(v.value) : undefined;
      if (!v || !parsed || compareVersions(parsed, NFTABLES_MODE_MIN_NFT) >= 0) continue;
      yield {
        span: t.name.span,
        messageId: 'nftTooOld',
        data: { nft: v.value, path: nodePath(d, node), minNft: NFTABLES_MODE_MIN_NFT.join('.') },
        related: [{ document: d, span: v.span, message: `nft ${v.value}` }],
      };
      break;
    }
  },
});

function configuredNftables(node: NodeSnapshot): boolean {
  for (const d of node.ofKind('k8s')) {
    if (kubeProxyConfigs(d.model).some((kp) => configMode(kp) === 'nftables')) return true;
    if (flagConfiguredContainers(d.model).some((c) => flagMode(c)?.mode === 'nftables')) return true;
  }
  return false;
}
