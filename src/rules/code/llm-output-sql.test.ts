import { testRule } from '../../testing/rule-tester.js';
import rule from './llm-output-sql.js';

testRule(rule, {
  valid: [
    {
      name: 'parameterised query',
      path: 'a.py',
      content: 'def f(conn, chain, q):\n    city = chain.invoke({"q": q})\n    conn.cursor().execute("SELECT name FROM stores WHERE city = %s", (city,))\n',
    },
    { name: 'JS parameterised', path: 'a.js', content: 'async function f(pool, llm) {\n  const r = await llm.invoke("x");\n  await pool.query("SELECT * FROM t WHERE a = $1", [r.content]);\n}\n' },
  ],
  invalid: [
    {
      path: 'text2sql.py',
      content: 'def answer(conn, chain, question):\n    sql = chain.invoke({"question": question})\n    cur = conn.cursor()\n    cur.execute(f"SELECT * FROM ({sql}) LIMIT 100")\n    return cur.fetchall()\n',
      findings: [{ startLine: 4, startColumn: 5, endLine: 4, endColumn: 52, message: 'Model output is part of the SQL text of cur.execute()' }],
    },
    {
      name: 'JS template literal into pool.query',
      path: 'q.ts',
      content: 'export async function q(pool: any, llm: any) {\n  const where = (await llm.invoke("filter")).content;\n  return pool.query(`SELECT * FROM orders WHERE ${where}`);\n}\n',
      findings: [{ startLine: 3, startColumn: 10, endLine: 3, endColumn: 59 }],
    },
  ],
});
