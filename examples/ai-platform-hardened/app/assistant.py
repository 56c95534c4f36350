"""Ops assistant: answers questions about the cluster; the model picks from a fixed set of read-only commands."""
import subprocess

from flask import Flask, request
from openai import OpenAI
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

app = Flask(__name__)
client = OpenAI()

reranker = AutoModelForCausalLM.from_pretrained("acme-labs/reranker-7b", revision="9b1c3f07d2a4e5f6a7b8c9d0e1f2a3b4c5d6e7f8")
adapter = load_file("/models/adapter.safetensors")

ALLOWED = {"nodes": ["kubectl", "get", "nodes"], "pods": ["kubectl", "get", "pods", "-A"]}


@app.post("/ask")
def ask():
    resp = client.chat.completions.create(
        model="gpt-4o",
        max_tokens=50,
        messages=[
            {"role": "system", "content": f"Answer with one word from: {', '.join(ALLOWED)}."},
            {"role": "user", "content": request.json["question"]},
        ],
    )
    choice = resp.choices[0].message.content.strip()
    if choice not in ALLOWED:
        return {"error": "unsupported request"}, 400
    result = subprocess.run(ALLOWED[choice], capture_output=True, text=True)
    return {"command": choice, "output": result.stdout}
