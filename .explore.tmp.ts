import { readFileSync } from 'node:fs';
import { parseK8s, allDocuments, flannelConfigs } from '/work/main/server/src/formats/k8s';
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, 'utf8');
  const m = parseK8s(text, f as never);
  console.log('===', f, 'problems', m.problems.length, 'templated', m.templated);
  for (const fl of flannelConfigs(m)) console.log('  FL', fl.backend.type.present ? fl.backend.type.value : '-', 'net', fl.network.present ? fl.network.value : '-', 'mtu', fl.backend.mtu.present ? fl.backend.mtu.value : '-', 'dr', fl.backend.directRouting.present ? fl.backend.directRouting.value: '-', 'vni', fl.backend.vni.present ? fl.backend.vni.value : '-', JSON.stringify(fl.ref), fl.keys.map(k=>k.value).join(','));
  for (const d of allDocuments(m)) {
    if (d.k3s) console.log('  K3S', d.k3s.flannelBackend.present ? d.k3s.flannelBackend.value : '-');
    for (const kp of d.kubeProxyConfigs) console.log('  KP', kp.clusterCIDR.present ? kp.clusterCIDR.value : '-');
    const w = d.workload; if (!w) continue;
    console.log('  WL', d.kind?.value, d.metadata?.name?.value, 'hostNet', w.hostNetwork.present ? w.hostNetwork.value : '-', 'vols', w.volumes.map(v => `${v.name?.value}:${v.hostPath?.path?.value ?? ''}`).join(' '));
    for (const c of [...w.initContainers, ...w.containers]) console.log('    C', c.init ? 'init' : 'main', c.role, c.name?.value, c.image?.value, 'flags', c.flags.map(x => x.name.value + (x.value ? '=' + x.value.value : '') + '/' + x.source).join(' '), 'mounts', c.volumeMounts.map(v => v.mountPath?.value).join(' '), 'cmd', JSON.stringify(c.command.map(x=>x.value)), JSON.stringify(c.ref));
  }
}
