import type { Span } from '../../core/span';
import {
  allDocuments,
  child,
  setScalar,
  setValue,
  type ContainerView,
  type FlannelConfigView,
  type K8sDocument,
  type K8sModel,
  type TextEdit,
  type WorkloadView,
  type YamlRef,
} from '../../formats/k8s';

/** A workload that runs flanneld on Linux (Windows flanneld has no iptables or VXLAN offload issue). */
export interface FlannelWorkload {
  readonly doc: K8sDocument;
  readonly workload: WorkloadView;
  /** The long-running flanneld containers (init containers that share the image are not flanneld). */
  readonly flanneld: readonly ContainerView[];
}

const WINDOWS = /(?:^|\/)(?:powershell|pwsh)(?:\.exe)?$|\.exe$/i;
const WINDOWS_SELECTOR = /kubernetes\.io\/os["']?\s*:\s*["']?windows\b/;

export function flannelWorkloads(model: K8sModel, text: string): FlannelWorkload[] {
  const out: FlannelWorkload[] = [];
  for (const doc of allDocuments(model)) {
    const workload = doc.workload;
    if (!workload) continue;
    const flanneld = workload.containers.filter((c) => c.role === 'flannel');
    if (flanneld.length === 0) continue;
    const argv = flanneld.flatMap((c) => [...c.command, ...c.args].map((v) => v.value));
    if (argv.some((a) => WINDOWS.test(a)) || WINDOWS_SELECTOR.test(text.slice(doc.span.start, doc.span.end))) continue;
    out.push({ doc, workload, flanneld });
  }
  return out;
}

/** The key names of `Backend` and `Backend.<name>` as written (flannel reads net-conf.json case-insensitively). */
export function backendKey(fl: FlannelConfigView, name?: string): string[] {
  const lower = name ? `backend.${name.toLowerCase()}` : 'backend';
  const k = fl.keys.find((x) => x.value.toLowerCase() === lower)?.value;
  const backend = fl.keys.find((x) => x.value.toLowerCase() === 'backend')?.value ?? 'Backend';
  if (!name) return [backend];
  return [backend, k ? k.slice(k.indexOf('.') + 1) : name];
}

/**
 * Runs an edit helper on the text of the one YAML document `ref` points into, and shifts the
 * edits back: the helpers parse the text they are given, and a manifest with ten documents
 * (per-architecture DaemonSets) would otherwise be parsed again, whole, for every edit.
 */
export function editIn(text: string, model: K8sModel, ref: YamlRef, op: (text: string, ref: YamlRef) => TextEdit[] | undefined): TextEdit[] | undefined {
  const host = model.documents.find((d) => d.ref.doc === ref.doc && d.ref.path.length === 0 && !d.ref.inner);
  if (!host) return op(text, ref);
  const at = host.span.start;
  const edits = op(text.slice(at, host.span.end), { ...ref, doc: 0 });
  return edits?.map((e) => ({ span: { start: e.span.start + at, end: e.span.end + at }, newText: e.newText }));
}

/** net-conf.json `"Backend": {"Type": "host-gw"}`: replaces the type, or adds it (and Backend) when missing. */
export function hostGwEdits(text: string, model: K8sModel, fl: FlannelConfigView): TextEdit[] | undefined {
  const [b, t] = backendKey(fl, 'Type');
  const ref = child(fl.ref, b!, t!);
  return editIn(text, model, ref, (s, r) => (fl.backend.type.present ? setScalar(s, r, 'host-gw') : setValue(s, r, 'host-gw')));
}

/** k3s config `flannel-backend: host-gw` (replaced, or added when k3s runs its default vxlan). */
export function k3sBackendEdits(text: string, model: K8sModel, doc: K8sDocument, backend: string): TextEdit[] | undefined {
  return editIn(text, model, child(doc.ref, 'flannel-backend'), (s, r) => setValue(s, r, backend));
}

/**
 * Merges edits that insert at the same offset into one (in the order given), so every client
 * applies them in the same order whatever it does with equal positions.
 */
export function mergeInsertions(edits: readonly TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.findIndex((o) => o.span.start === e.span.start && o.span.end === o.span.start && e.span.end === e.span.start);
    if (same >= 0) out[same] = { span: out[same]!.span, newText: out[same]!.newText + e.newText };
    else out.push(e);
  }
  return out;
}

export function overlaps(a: readonly TextEdit[]): boolean {
  const s = [...a].sort((x, y) => x.span.start - y.span.start);
  for (let i = 1; i < s.length; i++) if (s[i]!.span.start < s[i - 1]!.span.end) return true;
  return false;
}

/** The span to report a container finding on: its `name` value, else its first line. */
export function containerSpan(text: string, c: ContainerView): Span {
  if (c.name) return c.name.span;
  const nl = text.indexOf('\n', c.span.start);
  return { start: c.span.start, end: nl < 0 || nl > c.span.end ? c.span.end : nl };
}

export function containersRef(w: WorkloadView): YamlRef {
  return child(w.podSpecRef, 'containers');
}

export function normalisePath(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const s = p.replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

/** A name not yet used by any item of `names`: `base`, `base-2`, `base-3`, ... */
export function uniqueName(names: readonly (string | undefined)[], base: string): string {
  const used = new Set(names);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}
