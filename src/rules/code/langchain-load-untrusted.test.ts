import { testRule } from '../../testing/rule-tester.js';
import rule from './langchain-load-untrusted.js';
import { pins } from '../../testing/memory-packages.js';

const RESTORE = 'from langchain_core.load import loads\n\ndef restore(request):\n    return loads(request.body)\n';
const pinned = (version: string) => ({ packages: pins({ 'langchain-core': { version, path: 'app/uv.lock', line: 88 } }) });

testRule(rule, {
  valid: [
    {
      name: 'a fixed release: no secret from the environment unless asked',
      path: 'app/chat.py',
      content: RESTORE,
      settings: pinned('1.2.5'),
    },
    { name: 'the 0.3 line from its fix on', path: 'app/chat.py', content: RESTORE, settings: pinned('0.3.81') },
    {
      name: 'secrets off on an affected release',
      path: 'chat.py',
      content: 'from langchain_core.load import loads\nobj = loads(payload, secrets_from_env=False)\n',
      settings: pinned('0.3.30'),
    },
    {
      name: 'a literal or a file of the checkout',
      path: 'chat.py',
      content:
        'from langchain_core.load import load, loads\nimport json\na = loads(\'{"lc": 1, "type": "constructor"}\')\nb = loads(open("prompts/chain.json").read())\nc = load(json.load(open("prompts/chain.json")))\n',
    },
    {
      name: 'kwargs may set secrets_from_env',
      path: 'chat.py',
      content: 'from langchain_core.load import loads\nobj = loads(payload, **opts)\n',
    },
    {
      name: 'another library’s loads',
      path: 'chat.py',
      content: 'import json\nfrom mylib.serde import loads\nx = json.loads(body)\ny = loads(body, secrets_from_env=True)\n',
    },
  ],
  invalid: [
    {
      name: 'secrets_from_env=True: high on any release',
      path: 'history.py',
      content: 'from langchain_core.load import loads\n\ndef restore(request):\n    return loads(request.body, secrets_from_env=True)\n',
      settings: pinned('1.2.6'),
      findings: [
        {
          startLine: 4,
          startColumn: 32,
          endLine: 4,
          endColumn: 53,
          severity: 'high',
          message:
            "loads() rebuilds LangChain objects with secrets from the environment (secrets_from_env=True): serialized data that is not the application's own can hand any environment variable to an object it chooses",
        },
      ],
    },
    {
      name: 'secrets_from_env from a run-time value: medium on any release',
      path: 'history.py',
      content:
        'from langchain_core.load import loads\n\ndef restore(request, cfg):\n    return loads(request.body, secrets_from_env=cfg.trust)\n',
      settings: pinned('1.2.6'),
      findings: [
        {
          startLine: 4,
          startColumn: 32,
          endLine: 4,
          endColumn: 58,
          severity: 'medium',
          message:
            "loads() takes secrets_from_env from a value known only at run time: when it is true, serialized data that is not the application's own can hand any environment variable to an object it chooses",
        },
      ],
    },
    {
      name: 'no argument, version unknown: low',
      path: 'app/chat.py',
      content: RESTORE,
      findings: [
        {
          startLine: 4,
          startColumn: 12,
          endLine: 4,
          endColumn: 31,
          severity: 'low',
          message:
            'loads() of data that is not a fixed local file reads secrets from the environment by default on langchain-core < 0.3.81 and 1.0.0 to 1.2.4 (CVE-2025-68664, GHSA-c67j-w6g6-q2cm)',
        },
      ],
    },
    {
      name: 'no argument on an affected 1.x release: high',
      path: 'app/chat.py',
      content: RESTORE,
      settings: pinned('1.2.4'),
      findings: [
        {
          startLine: 4,
          startColumn: 12,
          endLine: 4,
          endColumn: 31,
          severity: 'high',
          message:
            'loads() of data that is not a fixed local file reads secrets from the environment by default on langchain-core 1.2.4 (pinned in app/uv.lock:88): fixed in 0.3.81 and 1.2.5 (CVE-2025-68664, GHSA-c67j-w6g6-q2cm)',
        },
      ],
    },
    {
      name: 'every way to name the loaders',
      path: 'app/chat.py',
      content: [
        'import langchain_core',
        'import langchain_core.load as lcl',
        'from langchain_core import load as serde',
        'from langchain.load import loads as lc_loads',
        'from langchain_core.load.load import load',
        'a = langchain_core.load.loads(body)',
        'b = lcl.load(data)',
        'c = serde.loads(body)',
        'd = lc_loads(body)',
        'e = load(data)',
        '',
      ].join('\n'),
      settings: pinned('0.3.80'),
      findings: [
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 36, message: /^langchain_core\.load\.loads\(\) .*langchain-core 0\.3\.80/ },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 19, message: /^lcl\.load\(\)/ },
        { startLine: 8, startColumn: 5, endLine: 8, endColumn: 22, message: /^serde\.loads\(\)/ },
        { startLine: 9, startColumn: 5, endLine: 9, endColumn: 19, message: /^lc_loads\(\)/ },
        { startLine: 10, startColumn: 5, endLine: 10, endColumn: 15, message: /^load\(\)/ },
      ],
    },
  ],
});
