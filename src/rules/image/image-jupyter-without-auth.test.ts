import { testRule } from '../../testing/rule-tester.js';
import { imageConfigJson } from './lib/examples.js';
import rule from './image-jupyter-without-auth.js';

const OFF = ': no token and no password, anyone who reaches its port runs code in the container';

testRule(rule, {
  valid: [
    { name: 'a generated token', path: 'config.json', content: imageConfigJson({ Cmd: ['jupyter', 'lab', '--ip=0.0.0.0'] }) },
    {
      name: 'an empty token with a hashed password',
      path: 'config.json',
      content: imageConfigJson({
        Entrypoint: ['tini', '--'],
        Cmd: ['jupyter', 'server', '--ServerApp.token=', '--ServerApp.password=argon2:abc'],
      }),
    },
    {
      name: 'an empty password alone leaves the generated token on',
      path: 'config.json',
      content: imageConfigJson({ Cmd: ['jupyter', 'lab', "--NotebookApp.password=''"] }),
    },
    {
      name: 'a token from a variable the config sets',
      path: 'config.json',
      content: imageConfigJson({
        Env: ['TOKEN=abc'],
        Cmd: ['/bin/sh', '-c', 'jupyter lab --ServerApp.token=$TOKEN'],
      }),
    },
    {
      name: "single quotes keep $EMPTY as text in the shell's script",
      path: 'config.json',
      content: imageConfigJson({ Env: ['EMPTY='], Cmd: ['/bin/sh', '-c', "jupyter lab --ServerApp.token='$EMPTY'"] }),
    },
    {
      name: 'exec form passes $EMPTY as written',
      path: 'config.json',
      content: imageConfigJson({ Env: ['EMPTY='], Cmd: ['jupyter', 'lab', '--ServerApp.token=$EMPTY'] }),
    },
    {
      name: 'no Jupyter server',
      path: 'config.json',
      content: imageConfigJson({ Cmd: ['python', '-m', 'notebooks.train', '--token='] }),
    },
  ],
  invalid: [
    {
      name: 'exec form after an ENTRYPOINT',
      path: 'config.json',
      content: imageConfigJson({ Entrypoint: ['tini', '-g', '--'], Cmd: ['start-notebook.py', "--IdentityProvider.token=''"] }),
      findings: [
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 36,
          objectPath: '/config/Cmd/1',
          message: `The image starts Jupyter (start-notebook.py) with --IdentityProvider.token=''${OFF}`,
        },
      ],
    },
    {
      name: 'shell form whose token variable the config sets empty',
      path: 'config.json',
      content: imageConfigJson({
        Env: ['PATH=/usr/bin', 'JUPYTER_TOKEN='],
        Cmd: ['/bin/sh', '-c', 'jupyter lab --ServerApp.token=${JUPYTER_TOKEN}'],
      }),
      findings: [
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 55,
          objectPath: '/config/Cmd/2',
          message: `The image starts Jupyter (jupyter lab) with --ServerApp.token=${'${JUPYTER_TOKEN}'} (JUPYTER_TOKEN is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'busybox sh -c is a shell too',
      path: 'config.json',
      content: imageConfigJson({
        Env: ['NB_TOKEN='],
        Cmd: ['/bin/busybox', 'sh', '-c', 'start-notebook.py --IdentityProvider.token=$NB_TOKEN'],
      }),
      findings: [
        {
          startLine: 12,
          startColumn: 7,
          endLine: 12,
          endColumn: 61,
          objectPath: '/config/Cmd/3',
          message: `The image starts Jupyter (start-notebook.py) with --IdentityProvider.token=$NB_TOKEN (NB_TOKEN is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'shell form as Docker stores it, with an empty password and XSRF checks off',
      path: 'config.json',
      content: imageConfigJson({
        Cmd: ['/bin/sh', '-c', "python -m jupyterlab --NotebookApp.token='' --NotebookApp.password='' --ServerApp.disable_check_xsrf=True"],
      }),
      findings: [
        {
          startLine: 8,
          startColumn: 7,
          endLine: 8,
          endColumn: 114,
          message: `The image starts Jupyter (python -m jupyterlab) with --NotebookApp.token='' and --NotebookApp.password=''${OFF}`,
        },
        {
          startLine: 8,
          startColumn: 7,
          endLine: 8,
          endColumn: 114,
          severity: 'medium',
          message:
            'The image starts Jupyter (python -m jupyterlab) with --ServerApp.disable_check_xsrf=True: any web page its users open can run code through its API',
        },
      ],
    },
  ],
});
