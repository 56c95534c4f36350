import { defineRule } from '../../core/rule.js';
import type { HostEventDocument } from '../../parsers/events/event-documents.js';
import { eventLog, tetragonKprobe } from './lib/examples.js';
import { baseName, describePod, hostPath } from './lib/process.js';

const TOKEN =
  /^\/(?:var\/)?run\/secrets\/(?:kubernetes\.io|eks\.amazonaws\.com|tokens)\/serviceaccount\/token$|^\/var\/run\/secrets\/azure\/tokens\/azure-identity-token$/;

const open = (path: string, pod = 'jupyter-alice-0') =>
  tetragonKprobe(
    {
      binary: '/opt/conda/bin/python3.11',
      args: '-m ipykernel_launcher -f /home/jovyan/.local/share/jupyter/runtime/kernel-1.json',
      pod,
      namespace: 'ml',
      container: 'notebook',
      image: 'quay.io/jupyter/scipy-notebook:2024-10-07',
    },
    'security_file_permission',
    [{ file_arg: { path } }, { int_arg: 4 }],
  );

export default defineRule<HostEventDocument>({
  meta: {
    id: 'RT-0024',
    slug: 'notebook-service-account-token-read',
    title: 'Service account token read inside a notebook',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['host-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0055' },
      { id: 'nsa-cisa', control: 'service-account-tokens' },
      { id: 'cis-k8s', control: '5.1.6' },
    ],
    rationale:
      "A notebook runs whatever its user, or a notebook they opened, or a package they installed, runs. Reading the pod's service account token (or a cloud identity token projected next to it) is the first step to the Kubernetes API or the cloud account with the notebook's rights; notebooks rarely need either.",
    remediation:
      'Set `automountServiceAccountToken: false` on notebook pods that do not call the API, bind notebook accounts to nothing, and give users their own credentials through an identity-aware proxy.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    ],
    examples: {
      bad: [eventLog('tetragon.json', open('/var/run/secrets/kubernetes.io/serviceaccount/token'))],
      good: [eventLog('tetragon.json', open('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'))],
    },
  },
  check(doc, ctx) {
    const h = doc.host;
    const target = doc.facts.target;
    if ((h.type !== 'open' && h.type !== 'other') || !h.path || !TOKEN.test(h.path) || target?.kind !== 'notebook') return;
    ctx.report({
      at: hostPath(doc, 'path'),
      message: `${baseName(h.binary) || 'a process'} in ${describePod(doc, target)} read the service account token ${h.path}`,
    });
  },
});
