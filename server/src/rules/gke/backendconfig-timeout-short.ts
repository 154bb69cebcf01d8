import { addAnnotation, child, isJsonText, setValue, type TextEdit } from '../../formats/k8s';
import { detectEol } from '../../formats/k8s/yamlHost';
import { attachedBackendConfig, backendRelated, gkeIngressClass, nodeIndex, objectsOf, LONG_TIMEOUT_SEC, type K8sObject, type NodeIndex } from '../k8s/shared';
import { describeObject, describePort, longLivedPorts, nameOf, namespaceOf, sameNamespace, type PortHint } from '../../formats/k8s/query';
import { defineRule, type Finding, type Fix, type Related } from '../rule';

const BC_KEY = 'cloud.google.com/backend-config';

/** GKE's backend service timeout when a BackendConfig does not set one. */
const DEFAULT_TIMEOUT_SEC = 30;
/** gcpdiag lb/BP/2025_002: keep the backend service timeout at or below 24 h. */
const MAX_TIMEOUT_SEC = 86400;
const SUGGESTED_TIMEOUT_SEC = 3600;

export default defineRule({
  meta: {
    id: 'gke/backendconfig-timeout-short',
    title: 'GKE backend service timeout too short for WebSockets / long-lived streams',
    severity: 'info',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      noBackendConfig:
        '{service} port {port} looks like WebSockets/streaming behind a GKE Ingress, but the Service attaches no BackendConfig, so the backend service timeout is the default {timeout} s: for WebSockets that is the maximum lifetime of a connection, which the load balancer closes after {timeout} s whether or not traffic flows.',
      tooLong: 'timeoutSec {timeout} is longer than 24 h ({max} s): connections through the load balancer may live for days, and draining or rolling backends has to wait for them (gcpdiag lb/BP/2025_002 recommends at most 24 h).',
      shortSet: 'timeoutSec is {timeout} s, and {ports} looks like WebSockets/streaming: for WebSockets the timeout is the maximum lifetime of a connection, so the load balancer closes them after {timeout} s whether or not traffic flows.',
      shortDefault: 'timeoutSec is not set, so the backend service timeout is the default {timeout} s, and {ports} looks like WebSockets/streaming: for WebSockets the timeout is the maximum lifetime of a connection, so the load balancer closes them after {timeout} s whether or not traffic flows.',
    },
  },
  *check({ document, node }) {
    const mine = objectsOf(document);
    if (!mine.some((o) => o.doc.service || o.doc.backendConfig)) return;
    const index = nodeIndex(document, node);
    for (const o of mine) {
      if (o.doc.service) yield* serviceWithoutBackendConfig(o, index, document.text);
      if (o.doc.backendConfig) yield* backendConfigFindings(o, index, document.text);
    }
  },
});

type MessageId = 'noBackendConfig' | 'tooLong' | 'shortSet' | 'shortDefault';

/** A GKE Ingress backend with long-lived ports and no BackendConfig at all: the 30 s default applies. */
function* serviceWithoutBackendConfig(service: K8sObject, index: NodeIndex, text: string): Generator<Finding<MessageId>> {
  const svc = service.doc.service!;
  if (svc.backendConfig) return;
  const hints = longLivedPorts(svc);
  if (hints.length === 0) return;
  const refs = index.ingressRefsTo(service.doc).filter((r) => gkeIngressClass(r.view, index.gke));
  if (refs.length === 0) return;
  const name = nameOf(service.doc);
  const fix = name ? addBackendConfigFix(service, name, index, text) : undefined;
  for (const h of hints) {
    yield {
      span: h.hint.span,
      messageId: 'noBackendConfig',
      data: { service: describeObject(service.doc), port: describePort(h.port), timeout: DEFAULT_TIMEOUT_SEC },
      related: refs.map((r) => backendRelated(r)),
      ...(fix ? { fixes: [fix] } : {}),
    };
  }
}

/**
 * Attaches a new BackendConfig with `timeoutSec: 3600`: the annotation on the Service plus a new
 * document appended to the file. Only for a top-level Service document of a YAML file (not a List
 * item, an embedded manifest or JSON), and only when no object of that name exists yet.
 */
function addBackendConfigFix(service: K8sObject, name: string, index: NodeIndex, text: string): Fix | undefined {
  const ref = service.doc.ref;
  if (ref.inner || ref.path.length > 0) return undefined;
  // A JSON file (`kubectl get svc -o json`) has no room for a second document.
  if (isJsonText(text)) return undefined;
  const bcName = `${name}-backendconfig`;
  if (index.backendConfig(bcName, service.doc)) return undefined;
  const annotation = addAnnotation(text, ref, BC_KEY, `{"default": "${bcName}"}`);
  if (!annotation || annotation.some((e) => e.span.end >= text.length)) return undefined;
  const eol = detectEol(text);
  const ns = namespaceOf(service.doc);
  const doc = [
    '---',
    'apiVersion: cloud.google.com/v1',
    'kind: BackendConfig',
    'metadata:',
    `  name: ${bcName}`,
    ...(ns ? [`  namespace: ${ns}`] : []),
    'spec:',
    `  timeoutSec: ${SUGGESTED_TIMEOUT_SEC}`,
    '',
  ].join(eol);
  const lead = text.length === 0 || text.endsWith('\n') || text.endsWith('\r') ? '' : eol;
  const edits: TextEdit[] = [...annotation, { span: { start: text.length, end: text.length }, newText: `${lead}${doc}` }];
  return { kind: 'edit', title: `Attach a new BackendConfig ${bcName} with timeoutSec: ${SUGGESTED_TIMEOUT_SEC} (maximum WebSocket lifetime 1 h)`, edits, safe: false };
}

/** Findings on a BackendConfig: timeoutSec missing or short while a Service using it carries long-lived traffic; or over 24 h. */
function* backendConfigFindings(bc: K8sObject, index: NodeIndex, text: string): Generator<Finding<MessageId>> {
  const view = bc.doc.backendConfig!;
  const t = view.timeoutSec;
  if (t.present && t.templated) return;
  if (t.present && t.value > MAX_TIMEOUT_SEC) {
    const edits = setValue(text, child(bc.doc.ref, 'spec', 'timeoutSec'), MAX_TIMEOUT_SEC);
    yield {
      span: t.span,
      messageId: 'tooLong',
      data: { timeout: t.value, max: MAX_TIMEOUT_SEC },
      ...(edits ? { fixes: [{ kind: 'edit' as const, title: `Set timeoutSec: ${MAX_TIMEOUT_SEC}`, edits, safe: false }] } : {}),
    };
    return;
  }
  const effective = t.present ? t.value : DEFAULT_TIMEOUT_SEC;
  if (effective >= LONG_TIMEOUT_SEC) return;
  const name = nameOf(bc.doc);
  if (name === undefined) return;
  // Ports of Services (anywhere in the node) that use this BackendConfig and look long-lived.
  const users: { service: K8sObject; hint: PortHint }[] = [];
  for (const o of index.servicesNamingBackendConfig(name)) {
    const svc = o.doc.service;
    if (!svc?.backendConfig || !sameNamespace(o.doc, bc.doc)) continue;
    for (const hint of longLivedPorts(svc)) {
      const attached = attachedBackendConfig(svc, hint.port, o.doc, index);
      if (attached?.name.value === name && attached.object?.doc === bc.doc) users.push({ service: o, hint });
    }
  }
  if (users.length === 0) return;
  const ports = users.map((u) => `${describeObject(u.service.doc)} port ${describePort(u.hint.port)}`).join(', ');
  const related: Related[] = users.map((u) => ({ document: u.service.file, span: u.hint.hint.span, message: `${describeObject(u.service.doc)} port ${describePort(u.hint.port)} uses this BackendConfig` }));
  const edits = setValue(text, child(bc.doc.ref, 'spec', 'timeoutSec'), SUGGESTED_TIMEOUT_SEC);
  yield {
    span: t.present ? t.span : bc.doc.metadata?.name?.span ?? view.spec,
    messageId: t.present ? 'shortSet' : 'shortDefault',
    data: { timeout: effective, ports },
    related,
    ...(edits ? { fixes: [{ kind: 'edit' as const, title: `Set timeoutSec: ${SUGGESTED_TIMEOUT_SEC} (maximum WebSocket lifetime 1 h)`, edits, safe: false }] } : {}),
  };
}

