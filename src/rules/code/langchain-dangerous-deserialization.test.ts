import { testRule } from '../../testing/rule-tester.js';
import rule from './langchain-dangerous-deserialization.js';
import { pins } from '../../testing/memory-packages.js';

const LOAD = 'from langchain_community.vectorstores import FAISS\n\nindex = FAISS.load_local("/data/index", embeddings)\n';

testRule(rule, {
  valid: [
    {
      name: 'the flag off',
      path: 'rag.py',
      content: 'index = FAISS.load_local("/data/index", embeddings, allow_dangerous_deserialization=False)\n',
    },
    {
      name: 'a loader without pickle',
      path: 'rag.py',
      content:
        'from langchain_core.vectorstores import InMemoryVectorStore\nstore = InMemoryVectorStore.load("/data/store.json", embeddings)\n',
    },
    { name: 'kwargs may carry the flag', path: 'rag.py', content: 'index = FAISS.load_local("/data/index", embeddings, **opts)\n' },
    {
      name: 'a release that refuses without the flag',
      path: 'app/rag.py',
      content: LOAD,
      settings: { packages: pins({ 'langchain-community': { version: '0.3.27', path: 'uv.lock', line: 412 } }) },
    },
    {
      name: 'the flag named in a comment only',
      path: 'rag.py',
      content: '# never pass allow_dangerous_deserialization=True here\nindex = Chroma(persist_directory="/data")\n',
      settings: { packages: pins({}) },
    },
  ],
  invalid: [
    {
      name: 'the flag on',
      path: 'rag.py',
      content:
        'from langchain_community.vectorstores import FAISS\n\nindex = FAISS.load_local(\n    "/data/index", embeddings, allow_dangerous_deserialization=True\n)\n',
      findings: [
        {
          startLine: 4,
          startColumn: 32,
          endLine: 4,
          endColumn: 68,
          severity: 'high',
          message: 'FAISS.load_local() unpickles stored data, which runs any code it holds (allow_dangerous_deserialization=True)',
        },
      ],
    },
    {
      name: 'bytes and other stores, the Databricks LLM',
      path: 'rag.py',
      content:
        'db = FAISS.deserialize_from_bytes(blob, embeddings, allow_dangerous_deserialization=True)\nllm = Databricks(endpoint_name="chat", transform_input_fn=f, allow_dangerous_deserialization=True)\n',
      findings: [
        { startLine: 1, startColumn: 53, endLine: 1, endColumn: 89, message: /^FAISS\.deserialize_from_bytes\(\)/ },
        { startLine: 2, startColumn: 62, endLine: 2, endColumn: 98, message: /^Databricks\(\)/ },
      ],
    },
    {
      name: 'no flag, version unknown: low',
      path: 'rag.py',
      content: LOAD,
      findings: [
        {
          startLine: 3,
          startColumn: 9,
          endLine: 3,
          endColumn: 52,
          severity: 'low',
          message:
            'FAISS.load_local() unpickles stored data without asking on langchain-community < 0.0.27 (later releases refuse without allow_dangerous_deserialization=True)',
        },
      ],
    },
    {
      name: 'no flag with langchain-community < 0.0.27 pinned: high',
      path: 'app/rag.py',
      content: LOAD,
      settings: { packages: pins({ 'langchain-community': { version: '0.0.24', path: 'app/requirements.txt', line: 4 } }) },
      findings: [
        {
          startLine: 3,
          startColumn: 9,
          endLine: 3,
          endColumn: 52,
          severity: 'high',
          message:
            'FAISS.load_local() unpickles stored data without asking: langchain-community 0.0.24 (pinned in app/requirements.txt:4) predates the allow_dangerous_deserialization guard (langchain-community 0.0.27)',
        },
      ],
    },
    {
      name: 'no flag with a langchain from before langchain-community pinned: high',
      path: 'app/rag.py',
      content: 'from langchain.retrievers import TFIDFRetriever\nretriever = TFIDFRetriever.load_local("/data/tfidf")\n',
      settings: { packages: pins({ langchain: { version: '0.0.131', path: 'app/requirements.txt', line: 3 } }) },
      findings: [
        {
          startLine: 2,
          startColumn: 13,
          endLine: 2,
          endColumn: 53,
          severity: 'high',
          message: /langchain 0\.0\.131 \(pinned in app\/requirements\.txt:3\) predates/,
        },
      ],
    },
  ],
});
