import { defineRule } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import { isShellExec } from '../../parsers/dockerfile/dockerfile-document.js';
import type { ImageConfigDocument } from '../../parsers/image/image-config.js';
import { jupyterAuth, jupyterLaunch, noAuthMessage, xsrfDisabledMessage } from '../dockerfile/lib/jupyter.js';
import { commandLineWords } from '../kubernetes/lib/ai-services.js';
import { imageConfigJson } from './lib/examples.js';

/**
 * The words the container runs (`Entrypoint` then `Cmd`), each with the path of the array entry it comes
 * from, and whether a shell runs them (`["/bin/sh", "-c", "…"]`, as Docker stores a shell form).
 */
function commandLine(doc: ImageConfigDocument): {
  words: string[];
  shellWords: Array<string | undefined>;
  paths: ObjectPath[];
  shell: boolean;
} {
  const words: string[] = [];
  const shellWords: Array<string | undefined> = [];
  const paths: ObjectPath[] = [];
  const entries: unknown[] = [];
  for (const key of ['Entrypoint', 'Cmd'] as const) {
    const list = doc.runtime[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) entries.push(item);
    list.forEach((entry, i) => {
      const line = commandLineWords([entry]);
      line.words.forEach((w, k) => {
        words.push(w);
        shellWords.push(line.shellWords[k]);
        paths.push(['config', key, i]);
      });
    });
  }
  return { words, shellWords, paths, shell: isShellExec(entries.map((e) => (typeof e === 'string' ? e : ''))) };
}

export default defineRule<ImageConfigDocument>({
  meta: {
    id: 'IMG-0012',
    slug: 'image-jupyter-without-auth',
    title: 'Image starts Jupyter with its token disabled',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['image-config'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      "The image's command starts a Jupyter server with `--ServerApp.token=''` (or `--NotebookApp.token=''`, `--IdentityProvider.token=''`, or a shell-form `--ServerApp.token=$TOKEN` where the config's `Env` sets `TOKEN` empty; one `Env` does not set comes from the run-time environment and counts as a token) and no password: whoever reaches the port runs code in the container, through any published port, Service or ingress. The same check as the Dockerfile rule (DF-0016), on the config of a built image, whose Dockerfile may not be at hand; `--ServerApp.disable_check_xsrf=True` is reported too (medium).",
    remediation:
      'Rebuild the image without the empty token: let Jupyter generate one, pass one from a secret at run time (`JUPYTER_TOKEN`), or set a hashed password (`--PasswordIdentityProvider.hashed_password`). Keep XSRF checks on.',
    references: ['https://jupyter-server.readthedocs.io/en/latest/operators/security.html'],
    examples: {
      bad: [
        { path: 'config.json', content: imageConfigJson({ User: '1000', Cmd: ['start-notebook.py', "--IdentityProvider.token=''"] }) },
        {
          path: 'config.json',
          content: imageConfigJson({
            User: '1000',
            Env: ['NB_TOKEN='],
            Cmd: ['/bin/sh', '-c', 'start-notebook.py --IdentityProvider.token=$NB_TOKEN'],
          }),
        },
      ],
      good: [
        { path: 'config.json', content: imageConfigJson({ User: '1000', Cmd: ['start-notebook.py'] }) },
        {
          path: 'config.json',
          content: imageConfigJson({ User: '1000', Cmd: ['/bin/sh', '-c', 'start-notebook.py --IdentityProvider.token=$NB_TOKEN'] }),
        },
      ],
    },
  },
  check(doc, ctx) {
    const { words, shellWords, paths, shell } = commandLine(doc);
    const launch = jupyterLaunch(words);
    if (!launch) return;
    const env = new Map(doc.env().map((e) => [e.name, e.value]));
    // Messages show the words of a script as written, quotes kept (`--ServerApp.token=''`).
    const auth = jupyterAuth(words, { writtenWords: shellWords, ...(shell ? { shell: (name) => env.get(name), shellWords } : {}) });
    const what = `The image starts Jupyter (${launch.text})`;
    if (auth.state === 'off' && auth.flag) {
      ctx.report({
        message: noAuthMessage(what, auth.flag, auth.emptyPassword),
        at: paths[auth.flag.index],
      });
    }
    if (auth.xsrfDisabled)
      ctx.report({
        severity: 'medium',
        message: xsrfDisabledMessage(what, auth.xsrfDisabled),
        at: paths[auth.xsrfDisabled.index],
      });
  },
});
