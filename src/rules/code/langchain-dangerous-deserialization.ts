import { defineRule, type RuleContext } from '../../core/rule.js';
import type { SourceFile } from '../../core/source-file.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { pythonPin, type PythonPin } from './lib/pinned.js';
import { allCalls, calleeText, hasSpreadArgs, isTrue, namedArg } from './lib/syntax.js';

/** The LangChain loaders that unpickle what they read (the index's docstore, a fitted vectorizer). */
const PICKLE_LOADER = /(?:^|\.)(?:FAISS|Annoy|ScaNN|TFIDFRetriever)\.(?:load_local|deserialize_from_bytes)$/;
/** The langchain-community release whose loaders refuse to unpickle without the flag (langchain PR #18696). */
const GUARDED_SINCE = '0.0.27';
/** The langchain release that moved the integrations out to langchain-community: before it they lived, unguarded, in langchain. */
const COMMUNITY_SPLIT = '0.0.350';

/**
 * Whether the LangChain the project pins unpickles in these loaders without asking: `unguarded` with the
 * pin that says so, `guarded` when the pinned release refuses, undefined when the version is unknown.
 */
function guardOf(ctx: RuleContext, file: SourceFile): { unguarded: boolean; pin: PythonPin } | undefined {
  const community = pythonPin(ctx, file, 'langchain-community');
  if (community) return { unguarded: community.below(GUARDED_SINCE), pin: community };
  const langchain = pythonPin(ctx, file, 'langchain');
  if (langchain?.below(COMMUNITY_SPLIT)) return { unguarded: true, pin: langchain };
  return undefined;
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0009',
    slug: 'langchain-dangerous-deserialization',
    title: 'LangChain allowed to unpickle stored data',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      "LangChain's `FAISS.load_local`, `FAISS.deserialize_from_bytes`, `Annoy.load_local`, `ScaNN.load_local` and `TFIDFRetriever.load_local` read the stored docstore or vectorizer with `pickle`, and the Databricks LLM unpickles its transform functions: whoever can write the index directory or the bytes (a shared volume, a bucket, a downloaded index) runs code in the application. Since langchain-community 0.0.27 they refuse unless `allow_dangerous_deserialization=True` is passed, so the flag is the opt-in to that risk (high). Before 0.0.27, and in langchain itself before the integrations moved to langchain-community (0.0.350), they unpickle without asking: a call without the flag is high when the project pins such a version (the nearest `requirements*.txt`, `pyproject.toml` or lockfile above the file), low when the version is unknown, and not reported when the pinned release refuses.",
    remediation:
      'Keep the flag off and rebuild indexes you did not write yourself from the source documents, or store them in a vector database or a format without pickle (Chroma, pgvector, Qdrant, `InMemoryVectorStore.dump` JSON). If you must load a pickled index, load only one your own job wrote to storage nobody else can write, and pin langchain-community ≥ 0.0.27.',
    references: [
      'https://python.langchain.com/docs/security/',
      'https://github.com/langchain-ai/langchain/pull/18696',
      'https://genai.owasp.org/llmrisk/llm032025-supply-chain/',
    ],
    examples: {
      bad: [
        {
          path: 'rag.py',
          content:
            'from langchain_community.vectorstores import FAISS\nfrom langchain_openai import OpenAIEmbeddings\n\nindex = FAISS.load_local("/data/index", OpenAIEmbeddings(), allow_dangerous_deserialization=True)\n',
        },
      ],
      good: [
        {
          path: 'rag.py',
          content:
            'from langchain_chroma import Chroma\nfrom langchain_openai import OpenAIEmbeddings\n\nindex = Chroma(persist_directory="/data/index", embedding_function=OpenAIEmbeddings())\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    const flagged = doc.text.includes('allow_dangerous_deserialization');
    if (!flagged && !doc.text.includes('load_local') && !doc.text.includes('deserialize_from_bytes')) return;
    for (const call of allCalls(doc.root, 'python')) {
      const callee = calleeText(call);
      const flag = flagged ? namedArg(call, 'allow_dangerous_deserialization') : undefined;
      if (isTrue(flag)) {
        ctx.report({
          message: `${callee}() unpickles stored data, which runs any code it holds (allow_dangerous_deserialization=True)`,
          at: spanOf(flag!.parent()!),
        });
        continue;
      }
      if (flag || hasSpreadArgs(call) || !PICKLE_LOADER.test(callee)) continue;
      // Without the flag, the LangChain release decides whether the call unpickles or refuses.
      const guard = guardOf(ctx, doc.file);
      if (!guard)
        ctx.report({
          message: `${callee}() unpickles stored data without asking on langchain-community < ${GUARDED_SINCE} (later releases refuse without allow_dangerous_deserialization=True)`,
          at: spanOf(call),
          severity: 'low',
        });
      else if (guard.unguarded)
        ctx.report({
          message: `${callee}() unpickles stored data without asking: ${guard.pin.label} predates the allow_dangerous_deserialization guard (langchain-community ${GUARDED_SINCE})`,
          at: spanOf(call),
        });
    }
  },
});
