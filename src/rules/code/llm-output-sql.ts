import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow, TOOL_INPUT_DOC } from './lib/flow.js';
import { sqlSinks, reportModelOutputAt } from './lib/sinks.js';
import { flavorOf, mentions } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0012',
    slug: 'llm-output-sql',
    title: 'SQL built from model output',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [{ id: 'owasp-llm-2025', control: 'LLM05' }],
    rationale:
      'Text-to-SQL and agents that write queries pass model output to the database. Executed as query text, it can read or destroy any table the connection can reach, whatever the user was meant to see (CWE-89).' +
      ` ${TOOL_INPUT_DOC}`,
    remediation:
      'Use parameterised queries for values, and for generated SQL run it on a read-only connection with a role limited to the intended tables and rows, after parsing it and checking it against an allow-list of statements.',
    references: ['https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/', 'https://cwe.mitre.org/data/definitions/89.html'],
    examples: {
      bad: [
        {
          path: 'text2sql.py',
          content:
            'def answer(conn, chain, question):\n    sql = chain.invoke({"question": question})\n    cur = conn.cursor()\n    cur.execute(f"SELECT * FROM ({sql}) LIMIT 100")\n    return cur.fetchall()\n',
        },
      ],
      good: [
        {
          path: 'text2sql.py',
          content:
            'def answer(conn, chain, question):\n    city = chain.invoke({"question": question})\n    cur = conn.cursor()\n    cur.execute("SELECT name FROM stores WHERE city = %s", (city,))\n    return cur.fetchall()\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!mentions(doc.text, ['execute', 'query', 'raw', 'read_sql', 'unsafe', 'exec', '.run(', '.sql('])) return;
    const flavor = flavorOf(doc);
    reportModelOutputAt(sqlSinks(doc.root, flavor), Flow.of(doc, 'llm'), (sink) =>
      ctx.report({ message: `Model output is part of the SQL text of ${sink.what}`, at: spanOf(sink.node) }),
    );
  },
});
