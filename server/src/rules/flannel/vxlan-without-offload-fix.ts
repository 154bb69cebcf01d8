import { downgrade } from '../../core/severity';
import { pushAll } from '../../core/arrays';
import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import { feature, findInterface } from '../../formats/ethtool';
import { allDocuments, appendToSequence, child, flannelConfigs, type EditValue, type FlannelConfigView, type K8sDocument, type K8sModel, type TextEdit } from '../../formats/k8s';
import { defineRule, type Finding, type Fix, type Related } from '../rule';
import { containersRef, editIn, flannelWorkloads, hostGwEdits, k3sBackendEdits, mergeInsertions, normalisePath, overlaps, uniqueName, type FlannelWorkload } from './manifest';
import { isVxlanDevice, offloadFix, runsOffloadWorkaround, vxlanExposure } from './vxlan';
import { nodePath } from '../../node/nodePath';

/**
 * NET-VXLAN-001 seen from the manifests: flannel (or k3s' embedded flannel) uses the vxlan
 * backend and nothing in the manifests turns TX checksum offload off on flannel.<VNI>, on a
 * kernel with (or possibly with) the NAT/UDP-checksum bug. flannel never does it itself
 * (flannel-io/flannel#1282 was closed unmerged).
 */

interface Target {
  readonly span: Span;
  readonly device: string;
  /** How the backend was learnt, for the message. */
  readonly backend: string;
  readonly ambiguous: boolean;
  readonly fl?: FlannelConfigView;
  readonly k3s?: K8sDocument;
}

export default defineRule({
  meta: {
    id: 'flannel/vxlan-without-offload-fix',
    title: 'flannel VXLAN backend without the TX checksum offload workaround',
    severity: 'warning',
    reads: 'k8s',
    uses: ['sysctl', 'iptables', 'ethtool'],
    fix: 'edit',
    messages: {
      // {exposure}: the kernel and trigger evidence; {details}: what else the node shows, each sentence with a leading space (or nothing).
      noOffloadWorkaround:
        '{backend}, and nothing in the manifests turns off TX checksum offload on {device} (flannel never does it itself: flannel-io/flannel#1282 was closed unmerged). On kernels without fix ea64d8d6c675, NAT of the outer VXLAN UDP packet writes a wrong checksum and the receiving node drops it: cross-node connections stall for seconds up to ~63 s or time out. {exposure}{details}',
    },
  },
  *check({ document, node }) {
    const { model, text } = document;
    const targets = vxlanTargets(document);
    if (targets.length === 0) return;

    const here = flannelWorkloads(model, text);
    const elsewhere = node.ofKind('k8s').filter((d) => d !== document && d.uri !== document.uri).flatMap((d) => flannelWorkloads(d.model, d.text).map((w) => ({ w, d })));
    const hereMissing = here.filter((w) => !runsOffloadWorkaround(text, w.doc.span));
    const elsewhereMissing = elsewhere.filter(({ w, d }) => !runsOffloadWorkaround(d.text, w.doc.span));
    const anyFlannelWorkload = here.length + elsewhere.length > 0;

    const exposure = vxlanExposure(node, 'warning');
    if (exposure.fixed) return;

    for (const t of targets) {
      const k3s = t.k3s !== undefined;
      // The workaround lives in a flannel DaemonSet; k3s embeds flannel and has none.
      if (!k3s && anyFlannelWorkload && hereMissing.length === 0 && elsewhereMissing.length === 0) continue;
      let severity = exposure.severity;
      const related: Related[] = [...exposure.related];
      const parts: string[] = [];
      if (t.ambiguous) {
        severity = downgrade(severity);
        parts.push('net-conf.json sets no Backend type: flannel\'s documentation says the default is vxlan but its code (pkg/subnet/config.go) falls back to udp, so whether this cluster runs vxlan is ambiguous; set "Backend": {"Type": "vxlan"} (or your real backend) explicitly.');
      }
      const observed = observedOffload(node.ofKind('ethtool'), t.device);
      if (observed?.state === 'off') {
        severity = downgrade(severity);
        parts.push(`This node's ${nodePath(observed.document, node)} shows ${t.device} with TX checksum offload already off (a node-level fix such as the udev rule may be in place); other nodes need it too.`);
        related.push({ document: observed.document, span: observed.span, message: `${t.device}: TX checksum offload off on this node` });
      } else if (observed) {
        related.push({ document: observed.document, span: observed.span, message: `${t.device}: TX checksum offload on` });
      }

      const fixes: Fix[] = [];
      let sidecar = false;
      if (!k3s && hereMissing.length > 0) {
        const edits = sidecarEdits(text, model, hereMissing, t.device);
        const psp = restrictivePsp(document);
        if (edits) {
          if (psp) parts.push(`The PodSecurityPolicy ${psp} in this file restricts host paths: it must allow a read-only hostPath "/" and the SYS_CHROOT capability for the sidecar fix.`);
          fixes.push({ kind: 'edit', title: `Add a sidecar to the flannel DaemonSet that keeps TX checksum offload off on ${t.device}`, edits, safe: psp === undefined });
          sidecar = true;
        }
      } else if (!k3s && elsewhereMissing.length > 0) {
        parts.push(`The flannel DaemonSet is in ${elsewhereMissing.map(({ d }) => nodePath(d, node)).join(', ')}: the sidecar fix is offered there.`);
      }
      const hostGw = t.fl ? hostGwEdits(text, model, t.fl) : t.k3s ? k3sBackendEdits(text, model, t.k3s, 'host-gw') : undefined;
      if (hostGw) {
        fixes.push({ kind: 'edit', title: `Switch the flannel backend to host-gw (no encapsulation; needs every node on one L2 segment, restart flannel on all nodes)`, edits: hostGw, safe: false });
      }
      // Without a sidecar (ConfigMap only, k3s, a DaemonSet the edit cannot extend) the node command is the fix.
      if (!sidecar) {
        const g = offloadFix(`Turn off TX checksum offload on ${t.device} on every node (ethtool now + udev rule)`, t.device);
        if ('fix' in g) fixes.push(g.fix);
        else parts.push(g.withheld);
      }
      const finding: Finding<'noOffloadWorkaround'> = {
        span: t.span,
        messageId: 'noOffloadWorkaround',
        data: { backend: t.backend, device: t.device, exposure: exposure.text, details: parts.map((p) => ` ${p}`).join('') },
        severity,
        ...(related.length ? { related } : {}),
        ...(fixes.length ? { fixes } : {}),
      };
      yield finding;
    }
  },
});

function vxlanTargets(document: ParsedDocument<'k8s'>): Target[] {
  const out: Target[] = [];
  for (const fl of flannelConfigs(document.model)) {
    const type = fl.backend.type;
    const vni = fl.backend.vni.present ? fl.backend.vni.value : 1;
    const device = `flannel.${vni}`;
    if (type.present) {
      if (type.value.toLowerCase() !== 'vxlan') continue;
      out.push({ span: type.span, device, backend: `flannel uses the vxlan backend (net-conf.json Backend.Type ${type.raw})`, ambiguous: false, fl });
    } else {
      out.push({ span: type.span, device, backend: 'flannel may use the vxlan backend (net-conf.json has no Backend type)', ambiguous: true, fl });
    }
  }
  for (const d of allDocuments(document.model)) {
    const k3s = d.k3s;
    if (!k3s) continue;
    const fb = k3s.flannelBackend;
    if (fb.present) {
      if (fb.value.toLowerCase() !== 'vxlan') continue;
      out.push({ span: fb.span, device: 'flannel.1', backend: 'k3s runs flannel with the vxlan backend (flannel-backend: vxlan)', ambiguous: false, k3s: d });
    } else {
      out.push({ span: fb.span, device: 'flannel.1', backend: 'k3s runs flannel with its default vxlan backend (no flannel-backend in this config; it is set on the servers)', ambiguous: false, k3s: d });
    }
  }
  return out;
}

/** The `allowedHostPaths` key: a YAML line, or a JSON key (kubectl -o json, compact JSON). */
const ALLOWED_HOST_PATHS = /(?:^[ \t]*|[{,][ \t]*)"?allowedHostPaths"?[ \t]*:/m;

/** A PodSecurityPolicy of this file that lists `allowedHostPaths` (it would reject the sidecar's hostPath "/"). */
function restrictivePsp(document: ParsedDocument<'k8s'>): string | undefined {
  for (const d of allDocuments(document.model)) {
    if (d.kind?.value !== 'PodSecurityPolicy') continue;
    if (ALLOWED_HOST_PATHS.test(document.text.slice(d.span.start, d.span.end))) return d.metadata?.name?.value ?? '(unnamed)';
  }
  return undefined;
}

/** TX checksum offload of `device` in this node's ethtool dumps (the last block printed). */
function observedOffload(dumps: readonly ParsedDocument<'ethtool'>[], device: string): { document: ParsedDocument<'ethtool'>; span: Span; state: 'on' | 'off' } | undefined {
  if (!isVxlanDevice(device)) return undefined;
  for (const document of dumps) {
    const iface = findInterface(document.model, device);
    const f = feature(iface, 'tx-checksum-ip-generic') ?? feature(iface, 'tx-checksumming');
    if (f) return { document, span: f.state.span, state: f.state.value };
  }
  return undefined;
}

/**
 * The sidecar: the DaemonSet's own flannel image (already pulled, right architecture; it has
 * busybox sh and chroot but no ethtool) runs the node's ethtool through a read-only mount of the
 * host root, every 10 s, so the setting survives flannel.N being re-created. A sidecar rather
 * than an init container (flannel.N does not exist before flanneld starts) or a postStart hook
 * (runs once, and a failing hook kills flanneld).
 */
export const SIDECAR_NAME = 'vxlan-tx-checksum-off';

export function sidecarScript(device: string): string {
  return `trap exit TERM; while :; do if [ -e /sys/class/net/${device} ]; then chroot /host ethtool -K ${device} tx-checksum-ip-generic off || echo cannot run ethtool of the node through /host; fi; sleep 10 & wait $!; done`;
}

function sidecarEdits(text: string, model: K8sModel, workloads: readonly FlannelWorkload[], device: string): TextEdit[] | undefined {
  const all: TextEdit[] = [];
  for (const { workload: w, flanneld } of workloads) {
    const image = flanneld[0]?.image?.value;
    if (!image || !(w.hostNetwork.present && w.hostNetwork.value)) return undefined;
    const rootVolume = w.volumes.find((v) => normalisePath(v.hostPath?.path?.value) === '/');
    const volume = rootVolume?.name?.value ?? uniqueName(w.volumes.map((v) => v.name?.value), 'host-root');
    const sidecar: EditValue = {
      name: uniqueName([...w.initContainers, ...w.containers].map((c) => c.name?.value), SIDECAR_NAME),
      image,
      command: ['/bin/sh', '-c', sidecarScript(device)],
      resources: { requests: { cpu: '5m', memory: '8Mi' } },
      securityContext: { capabilities: { add: ['NET_ADMIN', 'SYS_CHROOT'] } },
      volumeMounts: [{ name: volume, mountPath: '/host', readOnly: true }],
    };
    const c = editIn(text, model, containersRef(w), (s, r) => appendToSequence(s, r, sidecar));
    if (!c) return undefined;
    pushAll(all, c);
    if (!rootVolume) {
      const v = editIn(text, model, child(w.podSpecRef, 'volumes'), (s, r) => appendToSequence(s, r, { name: volume, hostPath: { path: '/', type: 'Directory' } }));
      if (!v) return undefined;
      pushAll(all, v);
    }
  }
  const merged = mergeInsertions(all);
  return overlaps(merged) ? undefined : merged;
}
