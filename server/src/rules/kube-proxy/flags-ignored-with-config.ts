import { defineRule, type Related } from '../rule';
import { nodeProxyConfigs } from './shared';
import { flagNamed, proxyContainers, templatedContainer } from '../../formats/k8s/query';

/** Flags kube-proxy ignores when --config is given, and the configuration field that replaces each. */
const IGNORED: Readonly<Record<string, string>> = {
  'proxy-mode': 'mode',
  'masquerade-all': 'iptables.masqueradeAll',
  'cluster-cidr': 'clusterCIDR',
  'nodeport-addresses': 'nodePortAddresses',
  'conntrack-max-per-core': 'conntrack.maxPerCore',
  'conntrack-min': 'conntrack.min',
  'conntrack-tcp-timeout-established': 'conntrack.tcpEstablishedTimeout',
  'conntrack-tcp-timeout-close-wait': 'conntrack.tcpCloseWaitTimeout',
  'ipvs-scheduler': 'ipvs.scheduler',
  'ipvs-strict-arp': 'ipvs.strictARP',
  'ipvs-tcp-timeout': 'ipvs.tcpTimeout',
  'ipvs-tcpfin-timeout': 'ipvs.tcpFinTimeout',
  'ipvs-udp-timeout': 'ipvs.udpTimeout',
  'iptables-sync-period': 'iptables.syncPeriod',
  'iptables-min-sync-period': 'iptables.minSyncPeriod',
  'iptables-masquerade-bit': 'iptables.masqueradeBit',
  'iptables-localhost-nodeports': 'iptables.localhostNodePorts',
};

function fieldFor(name: string): string | undefined {
  if (IGNORED[name]) return IGNORED[name];
  if (/^iptables-/.test(name)) return 'the iptables section';
  if (/^ipvs-.*-timeout$/.test(name)) return 'the ipvs section';
  return undefined;
}

export default defineRule({
  meta: {
    id: 'kube-proxy/flags-ignored-with-config',
    title: 'kube-proxy flags that are ignored because --config is set',
    severity: 'warning',
    reads: 'k8s',
    messages: {
      ignoredFlag:
        '{flag} is ignored: kube-proxy is started with --config, and then takes this setting from the configuration file ({field}), not from the flag. Move it into the ConfigMap (kubectl -n kube-system edit configmap kube-proxy, key config.conf) and restart the DaemonSet (kubectl -n kube-system rollout restart daemonset kube-proxy).',
    },
  },
  *check({ document, node }) {
    const containers = proxyContainers(document.model).filter((c) => !templatedContainer(c));
    if (containers.length === 0) return;
    const configs = nodeProxyConfigs(document, node);
    for (const c of containers) {
      const config = flagNamed(c, 'config');
      if (!config) continue;
      for (const f of c.flags) {
        const name = f.name.value.replace(/^-+/, '');
        const field = fieldFor(name);
        if (!field) continue;
        const related: Related[] = [{ document, span: config.span, message: `--config${config.value ? `=${config.value.value}` : ''}: the configuration file wins` }];
        for (const { file, kp } of configs) {
          const key = kp.keys.find((k) => k.value === field);
          if (key) related.push({ document: file, span: key.span, message: `${field} in the kube-proxy configuration` });
        }
        yield {
          span: f.name.span,
          messageId: 'ignoredFlag',
          data: { flag: `${f.name.value}${f.value ? `=${f.value.value}` : ''}`, field },
          related,
        };
      }
    }
  },
});
