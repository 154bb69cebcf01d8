/**
 * What the sosreport fixture under test/fixtures/bundles holds for kube-netlint, shared by the
 * node-folder tests (test/node/bundles.test.ts) and the CLI's (test/cli/bundles.test.ts): each
 * read file's path inside the report and the kind it is read as, in listing order.
 */
export const SOS_READ_FILES: readonly string[] = [
  'etc/sysctl.conf sysctl',
  'etc/sysctl.d/99-kubernetes-cri.conf sysctl',
  'sos_commands/conntrack/conntrack_-L_-o_extended conntrack',
  'sos_commands/conntrack/conntrack_-S conntrack',
  'sos_commands/firewall_tables/iptables_-t_nat_-nvL iptables',
  'sos_commands/firewall_tables/iptables_-vnxL iptables',
  'sos_commands/firewall_tables/nft_-a_list_ruleset nftables',
  'sos_commands/ipvs/ipvsadm_-Ln_--timeout ipvsadm',
  'sos_commands/kernel/sysctl_-a sysctl',
  'sos_commands/kernel/uname_-a sysctl',
  'sos_commands/kubernetes/cluster-info/kube-system/kubectl_get_-o_json_--namespace_kube-system_configmaps k8s',
  'sos_commands/networking/bridge_-s_-s_-d_link_show bridge-link',
  'sos_commands/networking/ethtool_-k_flannel.1 ethtool',
  'sos_commands/networking/ip_-4_rule_list ip-rule',
  'sos_commands/networking/ip_-d_address ip-addr',
  'sos_commands/networking/ip_-s_-d_link ip-link',
  'sos_commands/networking/ip_route_show_table_all ip-route',
  'var/lib/kubelet/config.yaml k8s',
];
