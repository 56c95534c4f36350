import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { classifySecret, commandWords, describe, redact, withArticle, type Word } from './lib/workload.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';

/** `--api-key` → `API_KEY`, so that flags are judged by the same names as variables. */
/** Flag names by flag, bounded: command lines repeat the same few flags. */
const FLAG_NAMES = new Map<string, string>();

function flagName(flag: string): string {
  let name = FLAG_NAMES.get(flag);
  if (name === undefined) {
    name = flag.replace(/^-+/, '').replace(/[-.]/g, '_').toUpperCase();
    if (FLAG_NAMES.size >= 1024) FLAG_NAMES.clear();
    FLAG_NAMES.set(flag, name);
  }
  return name;
}

/** A flag and its value in one word, a space between (a script's `"--api-key sk-…"`, quotes holding them together). */
const FLAG_SPACE_VALUE = /^(--?[A-Za-z][\w.-]*)\s+(\S.*)$/s;

/** `--flag value` and `--flag=value` pairs of a command line, and `--flag value` given as one argument. */
function flagValues(words: readonly Word[]): Array<{ flag: string; value: string; word: Word }> {
  const out: Array<{ flag: string; value: string; word: Word }> = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i].value;
    if (!w.startsWith('-') || w.length < 3) continue;
    const eq = w.indexOf('=');
    const spaced = FLAG_SPACE_VALUE.exec(w);
    if (spaced && (eq < 0 || eq > spaced[1].length)) out.push({ flag: spaced[1], value: spaced[2], word: words[i] });
    else if (eq > 0) out.push({ flag: w.slice(0, eq), value: w.slice(eq + 1), word: words[i] });
    else if (i + 1 < words.length && !words[i + 1].value.startsWith('-'))
      out.push({ flag: w, value: words[i + 1].value, word: words[i + 1] });
  }
  return out;
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0127',
    slug: 'secret-in-command-args',
    title: 'Credential as a literal command-line argument',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'Model servers take their API key on the command line (`vllm serve --api-key`, `--hf-token`, `--token`), and a literal value there is stored in the manifest, in Git and in the object every reader of Deployments can `get`; on the node it also shows in the process list of every container that shares the PID namespace. A value in a recognised key format (or a URL with a password) is high; a long literal after a credential flag is medium. `$(VAR)` references to variables filled from a Secret are the right way and are not reported. The value is never shown in full.',
    remediation:
      'Put the key in a Secret, expose it as an environment variable with `valueFrom.secretKeyRef` and pass `$(VAR_NAME)` as the argument (Kubernetes expands it), or let the server read the variable itself (`VLLM_API_KEY`, `HF_TOKEN`). Rotate the exposed key.',
    supersedes: SECRET_VALUE_RULE_IDS,
    references: [
      'https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    args: ["--model", "/models/llama", "--api-key", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234"]\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    args: ["--model", "/models/llama", "--api-key", "$(VLLM_API_KEY)"]\n    env:\n    - name: VLLM_API_KEY\n      valueFrom:\n        secretKeyRef: {name: vllm, key: api-key}\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      for (const { flag, value, word } of flagValues(commandWords(c))) {
        const hit = classifySecret(flagName(flag), value);
        if (!hit) continue;
        const shown = redact(value.trim());
        ctx.report({
          message: hit.certain
            ? `${describe(c)} passes ${withArticle(hit.kind)} on its command line after ${flag} (${shown})`
            : `${describe(c)} passes a literal value after ${flag} (${shown}) instead of a reference to a Secret`,
          at: word.path,
          evidence: `${flag} ${shown}`,
          severity: hit.certain ? 'high' : 'medium',
        });
      }
    }
  },
});
