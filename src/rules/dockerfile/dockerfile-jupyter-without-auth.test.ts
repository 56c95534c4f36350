import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-jupyter-without-auth.js';

const FROM = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir jupyterlab==4.2.5\n';
const OFF = ': no token and no password, anyone who reaches its port runs code in the container';

testRule(rule, {
  valid: [
    {
      name: 'a shell default that sets a token, or a parameter form whose value is not known from the file',
      path: 'Dockerfile',
      content:
        FROM +
        'ENV NB_TOKEN=""\nCMD jupyter lab --ServerApp.token=${NB_TOKEN:-fallback}\nCMD jupyter lab --ServerApp.token=${NB_TOKEN:+x}\nCMD jupyter lab --ServerApp.token=${NB_TOKEN:?set it}\nCMD jupyter lab --ServerApp.token=${#NB_TOKEN}\nCMD jupyter lab --ServerApp.token=${NB_TOKEN:-$OTHER}\nCMD jupyter lab --ServerApp.token=${UNSET_TOKEN}\n',
    },
    {
      name: 'a generated token, a token from the environment, a hashed password',
      path: 'Dockerfile',
      content:
        FROM +
        'CMD ["jupyter", "lab", "--ip=0.0.0.0"]\nCMD jupyter lab --ServerApp.token="$JUPYTER_TOKEN"\nCMD ["jupyter", "server", "--ServerApp.token=\'\'", "--PasswordIdentityProvider.hashed_password=argon2:$argon2id$v=19$m=10240,t=10,p=8$abc"]\n',
    },
    {
      name: 'an empty password alone leaves the generated token on; other Jupyter commands are no server',
      path: 'Dockerfile',
      content:
        FROM +
        'RUN jupyter nbconvert --to html --ServerApp.token= a.ipynb\nCMD ["python", "-m", "notebook", "--NotebookApp.password=\'\'"]\n',
    },
    {
      name: 'a config file with a password next to the empty token',
      path: 'Dockerfile',
      content:
        FROM +
        'RUN printf "c.ServerApp.token = \'\'\\nc.ServerApp.password = \'argon2:abc\'\\n" > /etc/jupyter/jupyter_server_config.py\nCMD ["jupyter", "lab"]\n',
    },
    {
      name: 'a variable the file sets to a token, sets empty only before a later ENV, or leaves to the run-time environment',
      path: 'Dockerfile',
      content:
        FROM +
        'ENV TOKEN=abc EMPTY_FIRST=""\nCMD jupyter lab --ServerApp.token=$TOKEN\n' +
        'CMD jupyter lab --ServerApp.token=$EMPTY_FIRST\nENV EMPTY_FIRST=set-later\n' +
        'CMD jupyter lab --ServerApp.token=${FROM_RUN_TIME}\n',
    },
    {
      name: 'a build argument without a default, one an ENV of the same name sets, or one whose shell default is taken: the run-time environment, the ENV or the default gives the token',
      path: 'Dockerfile',
      content:
        FROM +
        'ARG NB_TOKEN\nARG T=\nENV T=set\nARG LAB=abc\nCMD jupyter lab --ServerApp.token=$NB_TOKEN\nCMD jupyter lab --ServerApp.token=$T\n' +
        "CMD jupyter lab --ServerApp.token=${LAB:-generated}\nCMD jupyter lab --ServerApp.token='$LAB'\n",
    },
    {
      name: 'a build argument that is only part of the token (the rest is set whatever the run-time environment does)',
      path: 'Dockerfile',
      content:
        FROM + 'ARG NB_TOKEN=abc\nCMD jupyter lab --ServerApp.token=pre$NB_TOKEN\nCMD jupyter lab --ServerApp.token=${NB_TOKEN}-lab\n',
    },
    {
      name: 'a build argument token beside a password in the written configuration: the password is asked',
      path: 'Dockerfile',
      content:
        FROM +
        'ARG NB_TOKEN=abc\nRUN echo "c.ServerApp.password = \'argon2:abc\'" >> /etc/jupyter/jupyter_server_config.py\nCMD jupyter lab --ServerApp.token=$NB_TOKEN\n',
    },
    {
      name: "single quotes keep $TOKEN as text: the token is the text $TOKEN, not the empty variable (shell form, sh -c, a default's word)",
      path: 'Dockerfile',
      content:
        FROM +
        'ENV TOKEN=""\nCMD jupyter lab --ServerApp.token=\'$TOKEN\'\n' +
        'CMD ["sh", "-c", "jupyter lab --ServerApp.token=\'${TOKEN}\'"]\n' +
        "CMD jupyter lab '--ServerApp.token=$TOKEN'\n" +
        "CMD jupyter lab --ServerApp.token '$(cat /run/token)'\n" +
        "CMD jupyter lab --ServerApp.token=${TOKEN:-'$UNSET'}\n",
    },
    {
      name: 'an exec form passes $EMPTY as written: no shell expands it, so the token is the text $EMPTY',
      path: 'Dockerfile',
      content: FROM + 'ENV EMPTY=""\nCMD ["jupyter", "lab", "--ServerApp.token=$EMPTY"]\n',
    },
    {
      name: 'XSRF checks left on',
      path: 'Dockerfile',
      content: FROM + 'CMD ["jupyter", "lab", "--ServerApp.disable_check_xsrf=False"]\n',
    },
  ],
  invalid: [
    {
      name: 'a literal token in CMD or ENTRYPOINT (exec form, shell form, value as the next word) is a credential stored in the image',
      path: 'Dockerfile',
      content:
        FROM +
        'CMD ["jupyter", "lab", "--ServerApp.token=abc123secret"]\n' +
        'CMD jupyter lab --NotebookApp.token=s3cr3t-t0ken --no-browser\n' +
        "CMD jupyter lab --ServerApp.token='' --ServerApp.token=changeme\n" +
        'FROM python:3.12-slim AS other\n' +
        'ENTRYPOINT ["start-notebook.py", "--IdentityProvider.token", "k9x7q2w8e4"]\n',
      findings: [
        {
          startLine: 3,
          startColumn: 25,
          endLine: 3,
          endColumn: 55,
          message:
            'Jupyter (jupyter lab) is started with a literal token (--ServerApp.token=abc…): it is stored in the image, where anyone who pulls it reads it; pass the token at run time (JUPYTER_TOKEN from a secret) or set a hashed password',
        },
        {
          startLine: 4,
          startColumn: 17,
          endLine: 4,
          endColumn: 49,
          message: /^Jupyter \(jupyter lab\) is started with a literal token \(--NotebookApp\.token=s3c…\)/,
        },
        {
          startLine: 7,
          startColumn: 35,
          endLine: 7,
          endColumn: 73,
          message: /^Jupyter \(start-notebook\.py\) is started with a literal token \(--IdentityProvider\.token=k9…\)/,
        },
      ],
    },
    {
      name: 'exec form, every spelling',
      path: 'Dockerfile',
      content:
        FROM +
        'CMD ["jupyter", "lab", "--NotebookApp.token=\'\'"]\n' +
        'CMD ["jupyter", "notebook", "--NotebookApp.token=\\"\\""]\n' +
        'CMD ["jupyter", "server", "--ServerApp.token="]\n' +
        'CMD ["python", "-m", "jupyterlab", "--NotebookApp.token=\'\'", "--NotebookApp.password=\'\'"]\n' +
        'CMD ["jupyter-lab", "--ServerApp.token=", "--ServerApp.password="]\n' +
        'CMD ["start-notebook.py", "--IdentityProvider.token=\'\'"]\n',
      findings: [
        {
          startLine: 3,
          startColumn: 25,
          endLine: 3,
          endColumn: 47,
          message: `Jupyter (jupyter lab) is started with --NotebookApp.token=''${OFF}`,
        },
        {
          startLine: 4,
          startColumn: 30,
          endLine: 4,
          endColumn: 54,
          message: `Jupyter (jupyter notebook) is started with --NotebookApp.token=""${OFF}`,
        },
        {
          startLine: 5,
          startColumn: 28,
          endLine: 5,
          endColumn: 46,
          message: `Jupyter (jupyter server) is started with --ServerApp.token=${OFF}`,
        },
        {
          startLine: 6,
          startColumn: 37,
          endLine: 6,
          endColumn: 59,
          message: `Jupyter (python -m jupyterlab) is started with --NotebookApp.token='' and --NotebookApp.password=''${OFF}`,
        },
        {
          startLine: 7,
          startColumn: 22,
          endLine: 7,
          endColumn: 40,
          message: `Jupyter (jupyter-lab) is started with --ServerApp.token= and --ServerApp.password=${OFF}`,
        },
        {
          startLine: 8,
          startColumn: 28,
          endLine: 8,
          endColumn: 55,
          message: `Jupyter (start-notebook.py) is started with --IdentityProvider.token=''${OFF}`,
        },
      ],
    },
    {
      name: 'shell form, a sh -c script, a value in the next word, XSRF checks off',
      path: 'Dockerfile',
      content:
        FROM +
        "CMD jupyter lab --ip=0.0.0.0 --NotebookApp.token='' --no-browser\n" +
        'CMD ["sh", "-c", "exec python3 -m jupyter notebook --NotebookApp.token= --NotebookApp.password= --port=8888"]\n' +
        "CMD jupyter server --IdentityProvider.token '' \\\n    --ServerApp.disable_check_xsrf=True\n",
      findings: [
        {
          startLine: 3,
          startColumn: 30,
          endLine: 3,
          endColumn: 52,
          message: `Jupyter (jupyter lab) is started with --NotebookApp.token=''${OFF}`,
        },
        {
          startLine: 4,
          startColumn: 52,
          endLine: 4,
          endColumn: 72,
          message: `Jupyter (python -m jupyter notebook) is started with --NotebookApp.token= and --NotebookApp.password=${OFF}`,
        },
        {
          startLine: 5,
          startColumn: 20,
          endLine: 5,
          endColumn: 47,
          message: `Jupyter (jupyter server) is started with --IdentityProvider.token ''${OFF}`,
        },
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 40,
          severity: 'medium',
          message:
            'Jupyter (jupyter server) is started with --ServerApp.disable_check_xsrf=True: any web page its users open can run code through its API',
        },
      ],
    },
    {
      name: 'a token from a variable the file sets empty with ENV or ARG (shell form, sh -c, the stage built on)',
      path: 'Dockerfile',
      content:
        FROM.replace('slim', 'slim AS base') +
        'ENV JUPYTER_TOKEN=""\n' +
        'FROM base\nARG NB_TOKEN=\n' +
        'CMD jupyter lab --ServerApp.token=$JUPYTER_TOKEN\n' +
        'CMD ["sh", "-c", "jupyter notebook --NotebookApp.token=${NB_TOKEN}"]\n',
      findings: [
        {
          startLine: 6,
          startColumn: 17,
          endLine: 6,
          endColumn: 49,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=$JUPYTER_TOKEN (JUPYTER_TOKEN is empty)${OFF}`,
        },
        {
          startLine: 7,
          startColumn: 36,
          endLine: 7,
          endColumn: 67,
          message: `Jupyter (jupyter notebook) is started with --NotebookApp.token=${'${NB_TOKEN}'} (the build argument NB_TOKEN is empty and is not set when the container runs)${OFF}`,
        },
      ],
    },
    {
      name: 'busybox sh -c runs a shell that expands the variable',
      path: 'Dockerfile',
      content: FROM + 'ENV NB_TOKEN=""\nCMD ["/bin/busybox", "sh", "-c", "jupyter lab --ServerApp.token=$NB_TOKEN"]\n',
      findings: [
        {
          startLine: 4,
          startColumn: 47,
          endLine: 4,
          endColumn: 74,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=$NB_TOKEN (NB_TOKEN is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'bash -lc runs a shell that expands the variable',
      path: 'Dockerfile',
      content: FROM + 'ENV NB_TOKEN=""\nCMD ["bash", "-lc", "jupyter lab --ServerApp.token=$NB_TOKEN"]\n',
      findings: [
        {
          startLine: 4,
          startColumn: 34,
          endLine: 4,
          endColumn: 61,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=$NB_TOKEN (NB_TOKEN is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'a shell default: ${NAME:-} of an empty variable is empty',
      path: 'Dockerfile',
      content: FROM + 'ENV NB_TOKEN=""\nCMD start-notebook.py --IdentityProvider.token=${NB_TOKEN:-}\n',
      findings: [
        {
          startLine: 4,
          startColumn: 23,
          endLine: 4,
          endColumn: 61,
          message: `Jupyter (start-notebook.py) is started with --IdentityProvider.token=${'${NB_TOKEN:-}'} (NB_TOKEN is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'a shell default: ${NAME-word} keeps a variable set empty; a variable not set takes the empty default',
      path: 'Dockerfile',
      content:
        FROM +
        'ENV NB_TOKEN=""\nCMD jupyter lab --ServerApp.token=${NB_TOKEN-fallback}\nFROM base\nCMD jupyter lab --ServerApp.token=${LAB_TOKEN:=}\n',
      findings: [
        {
          startLine: 4,
          startColumn: 17,
          endLine: 4,
          endColumn: 55,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=${'${NB_TOKEN-fallback}'} (NB_TOKEN is empty)${OFF}`,
        },
        {
          startLine: 6,
          startColumn: 17,
          endLine: 6,
          endColumn: 49,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=${'${LAB_TOKEN:=}'} (LAB_TOKEN is not set and its default is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'double quotes expand the variable, and so does a word quoted in parts',
      path: 'Dockerfile',
      content: FROM + 'ENV TOKEN=""\nCMD jupyter lab "--ServerApp.token=$TOKEN"\nCMD jupyter lab --ServerApp.token=\'\'"${TOKEN}"\n',
      findings: [
        {
          startLine: 4,
          startColumn: 17,
          endLine: 4,
          endColumn: 43,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=$TOKEN (TOKEN is empty)${OFF}`,
        },
        {
          startLine: 5,
          startColumn: 17,
          endLine: 5,
          endColumn: 47,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=${'${TOKEN}'} (TOKEN is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'a token from a build argument with a default (of the stage or global): recorded in the image history, and not set when the container runs',
      path: 'Dockerfile',
      content:
        'ARG LAB_TOKEN=9f2c\n' +
        FROM +
        'ARG NB_TOKEN=abc\nCMD jupyter lab --ServerApp.token=$NB_TOKEN\n' +
        'ARG LAB_TOKEN\nCMD ["sh", "-c", "jupyter lab --IdentityProvider.token=\\"${LAB_TOKEN}\\""]\n',
      findings: [
        {
          startLine: 5,
          startColumn: 17,
          endLine: 5,
          endColumn: 44,
          severity: 'medium',
          message:
            'Jupyter (jupyter lab) is started with --ServerApp.token=$NB_TOKEN, the build argument NB_TOKEN: its default is written in the Dockerfile and recorded in the image history, where anyone with the image reads it, and a build argument is not set when the container runs, so the token is empty unless the run-time environment sets NB_TOKEN',
        },
        {
          startLine: 7,
          startColumn: 31,
          endLine: 7,
          endColumn: 72,
          severity: 'medium',
          message: /with --IdentityProvider\.token=\\"\$\{LAB_TOKEN\}\\", the build argument LAB_TOKEN: its default is written/,
        },
      ],
    },
    {
      name: 'a shell default that nests another default',
      path: 'Dockerfile',
      content: FROM + 'ENV NB_TOKEN=""\nCMD jupyter lab --ServerApp.token=${NB_TOKEN:-${LAB_TOKEN:-}}\n',
      findings: [
        {
          startLine: 4,
          startColumn: 17,
          endLine: 4,
          endColumn: 62,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=${'${NB_TOKEN:-${LAB_TOKEN:-}}'} (NB_TOKEN is empty; LAB_TOKEN is not set and its default is empty)${OFF}`,
        },
      ],
    },
    {
      name: 'CMD arguments to an exec-form ENTRYPOINT of the stage built on',
      path: 'Dockerfile',
      content:
        FROM.replace('slim', 'slim AS base') +
        'ENTRYPOINT ["tini", "-g", "--", "jupyter", "lab"]\nFROM base AS lab\nCMD ["--ServerApp.token=\'\'"]\n',
      findings: [
        {
          startLine: 5,
          startColumn: 7,
          endLine: 5,
          endColumn: 27,
          message: `Jupyter (jupyter lab) is started with --ServerApp.token=''${OFF}`,
        },
      ],
    },
    {
      name: 'a configuration file written by RUN or a here-document',
      path: 'Dockerfile',
      content:
        FROM +
        'RUN echo "c.NotebookApp.token = \'\'" >> /etc/jupyter/jupyter_notebook_config.py\n' +
        'COPY <<EOF /etc/jupyter/jupyter_server_config.py\nc.ServerApp.ip = "0.0.0.0"\nc.IdentityProvider.token = ""\nEOF\n' +
        'CMD ["jupyter", "lab"]\n',
      findings: [
        {
          startLine: 3,
          startColumn: 11,
          endLine: 3,
          endColumn: 35,
          message:
            "RUN writes a Jupyter configuration with an empty token (c.NotebookApp.token = '') and no password: anyone who reaches its port runs code in the container",
        },
        {
          startLine: 6,
          startColumn: 1,
          endLine: 6,
          endColumn: 30,
          message: /^COPY writes a Jupyter configuration with an empty token \(c\.IdentityProvider\.token = ""\)/,
        },
      ],
    },
  ],
});
