import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-sql.js';

testRule(rule, {
  valid: [
    {
      name: 'parameterised query',
      path: 'a.py',
      content:
        'def f(conn, chain, q):\n    city = chain.invoke({"q": q})\n    conn.cursor().execute("SELECT name FROM stores WHERE city = %s", (city,))\n',
    },
    {
      name: 'a fixed query on the database object',
      path: 'sql_chain.py',
      content: 'class C:\n    def tables(self):\n        return self.database.run("SELECT name FROM sqlite_master")\n',
    },
    {
      name: 'an attribute that never holds model output',
      path: 'agent.py',
      content:
        'class A:\n    def plan(self, q):\n        self.query = build_query(q)\n        self.note = self.llm.invoke(q).content\n\n    def answer(self):\n        return self.db.execute(self.query)\n',
    },
    {
      name: 'JS parameterised',
      path: 'a.js',
      content:
        'async function f(pool, llm) {\n  const r = await llm.invoke("x");\n  await pool.query("SELECT * FROM t WHERE a = $1", [r.content]);\n}\n',
    },
    {
      name: "a tool's parameters of closed types (int, Optional[Literal[...]]) in the SQL text",
      path: 'orders.py',
      content:
        'from typing import Literal, Optional\nfrom langchain_core.tools import tool\n\n@tool\ndef get_order(order_id: int, status: Optional[Literal["open", "shipped"]] = None) -> list:\n    """Find an order."""\n    cur = conn.cursor()\n    cur.execute(f"SELECT * FROM orders WHERE id = {order_id}")\n    cur.execute(f"SELECT * FROM orders WHERE status = \'{status}\'")\n    return cur.fetchall()\n',
    },
    {
      name: 'JS: an AI SDK tool whose schema closes its inputs (z.number().int(), z.enum, z.boolean)',
      path: 'orders.ts',
      content:
        "import { tool } from 'ai';\nimport { z } from 'zod';\nexport const getOrder = tool({\n  description: 'Find an order',\n  inputSchema: z.object({ id: z.number().int(), status: z.enum(['open', 'shipped']).optional(), paid: z.boolean() }),\n  execute: async ({ id, status, paid }) => pool.query(`SELECT * FROM orders WHERE id = ${id} AND status = '${status}' AND paid = ${paid}`),\n});\n",
    },
  ],
  invalid: [
    {
      name: "a tool's parameter in the SQL text; the same value as a query parameter",
      path: 'lookup.py',
      content:
        'from langchain_core.tools import tool\n\n@tool\ndef lookup(name: str) -> list:\n    """Find a customer."""\n    cur = conn.cursor()\n    cur.execute("SELECT * FROM customers WHERE name = ?", (name,))\n    cur.execute(f"SELECT * FROM customers WHERE name = \'{name}\'")\n    return cur.fetchall()\n',
      findings: [
        { startLine: 8, startColumn: 5, endLine: 8, endColumn: 66, message: 'Model output is part of the SQL text of cur.execute()' },
      ],
    },
    {
      name: 'through an object: the LLM chain of the instance writes SQL its database runs (SQLDatabaseChain)',
      path: 'sql_chain.py',
      content:
        'class SQLDatabaseChain:\n    def _call(self, inputs):\n        llm_inputs = {"input": inputs["query"], "dialect": self.database.dialect}\n        sql_cmd = self.llm_chain.predict(**llm_inputs)\n        result = self.database.run(sql_cmd)\n        return result\n',
      findings: [
        {
          startLine: 5,
          startColumn: 18,
          endLine: 5,
          endColumn: 44,
          message: 'Model output is part of the SQL text of self.database.run()',
        },
      ],
    },
    {
      name: 'through an attribute set by one method and a query run by another',
      path: 'agent.py',
      content:
        'class Analyst:\n    def plan(self, question):\n        self.query = self.llm.invoke(question).content\n\n    def answer(self):\n        return self.db.execute(self.query)\n',
      findings: [{ startLine: 6, startColumn: 16, endLine: 6, endColumn: 43 }],
    },
    {
      path: 'text2sql.py',
      content:
        'def answer(conn, chain, question):\n    sql = chain.invoke({"question": question})\n    cur = conn.cursor()\n    cur.execute(f"SELECT * FROM ({sql}) LIMIT 100")\n    return cur.fetchall()\n',
      findings: [
        { startLine: 4, startColumn: 5, endLine: 4, endColumn: 52, message: 'Model output is part of the SQL text of cur.execute()' },
      ],
    },
    {
      name: 'JS template literal into pool.query',
      path: 'q.ts',
      content:
        'export async function q(pool: any, llm: any) {\n  const where = (await llm.invoke("filter")).content;\n  return pool.query(`SELECT * FROM orders WHERE ${where}`);\n}\n',
      findings: [{ startLine: 3, startColumn: 10, endLine: 3, endColumn: 59 }],
    },
  ],
});
