import { allDocuments, child, flannelConfigs, setValue } from '../../formats/k8s';
import { defineRule, type Fix } from '../rule';
import { backendKey, editIn, hostGwEdits, k3sBackendEdits } from './manifest';

/** NET-FL-002: every pod packet is encapsulated although the nodes might route pod subnets directly. */
export default defineRule({
  meta: {
    id: 'flannel/vxlan-where-host-gw-works',
    title: 'flannel VXLAN without DirectRouting (host-gw may work on a flat L2 network)',
    severity: 'hint',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      vxlanNoDirectRouting: 'flannel encapsulates all pod traffic between nodes in VXLAN (Backend.Type {type}, no DirectRouting). If every node sits on one L2 segment, host-gw routes pod subnets straight to the node addresses with no encapsulation (no 50-byte MTU overhead, no VXLAN checksum-offload bug); "DirectRouting": true keeps VXLAN only for peers on other subnets. Only you know the topology: cloud VPCs usually drop host-gw traffic unless the routes are programmed in the cloud.',
      vxlanDirectRoutingFalse: 'flannel encapsulates all pod traffic between nodes in VXLAN (Backend.Type {type}, DirectRouting false). If every node sits on one L2 segment, host-gw routes pod subnets straight to the node addresses with no encapsulation (no 50-byte MTU overhead, no VXLAN checksum-offload bug); "DirectRouting": true keeps VXLAN only for peers on other subnets. Only you know the topology: cloud VPCs usually drop host-gw traffic unless the routes are programmed in the cloud.',
      k3sVxlan: 'k3s runs flannel with the vxlan backend (flannel-backend: {backend}), encapsulating all pod traffic between nodes. If every node sits on one L2 segment, host-gw routes pod subnets straight to the node addresses with no encapsulation (no 50-byte MTU overhead, no VXLAN checksum-offload bug); "DirectRouting": true keeps VXLAN only for peers on other subnets. Only you know the topology: cloud VPCs usually drop host-gw traffic unless the routes are programmed in the cloud.',
    },
  },
  *check({ document }) {
    const { model, text } = document;
    for (const fl of flannelConfigs(model)) {
      const type = fl.backend.type;
      if (!type.present || type.value.toLowerCase() !== 'vxlan') continue;
      const dr = fl.backend.directRouting;
      if (dr.present && dr.value) continue;
      const fixes: Fix[] = [];
      const [b, k] = backendKey(fl, 'DirectRouting');
      const direct = editIn(text, model, child(fl.ref, b!, k!), (s, r) => setValue(s, r, true));
      if (direct) fixes.push({ kind: 'edit', title: 'Set "DirectRouting": true (direct routes to same-subnet nodes, VXLAN to the others)', edits: direct, safe: false });
      const hostGw = hostGwEdits(text, model, fl);
      if (hostGw) fixes.push({ kind: 'edit', title: 'Switch the backend to host-gw (needs every node on one L2 segment)', edits: hostGw, safe: false });
      yield {
        span: type.span,
        messageId: dr.present ? 'vxlanDirectRoutingFalse' : 'vxlanNoDirectRouting',
        data: { type: type.raw },
        ...(fixes.length ? { fixes } : {}),
      };
    }
    for (const d of allDocuments(model)) {
      const fb = d.k3s?.flannelBackend;
      // The k3s default (no flannel-backend) is not flagged: every k3s config would carry the hint.
      if (!fb?.present || fb.value.toLowerCase() !== 'vxlan') continue;
      const hostGw = k3sBackendEdits(text, model, d, 'host-gw');
      yield {
        span: fb.span,
        messageId: 'k3sVxlan',
        data: { backend: fb.raw },
        ...(hostGw ? { fixes: [{ kind: 'edit', title: 'Set flannel-backend: host-gw (needs every node on one L2 segment; restart k3s on all servers and agents)', edits: hostGw, safe: false }] } : {}),
      };
    }
  },
});
