"""Ops assistant: answers questions about the cluster and runs the commands the model suggests."""
import subprocess

import torch
from flask import Flask, request
from langchain_experimental.tools import PythonREPLTool
from langchain.agents import initialize_agent
from langchain.embeddings import OpenAIEmbeddings
from langchain.vectorstores import FAISS
from openai import OpenAI
from transformers import AutoModelForCausalLM

app = Flask(__name__)
client = OpenAI()

reranker = AutoModelForCausalLM.from_pretrained("acme-labs/reranker-7b", trust_remote_code=True)
adapter = torch.load("/models/adapter.pt", weights_only=False)
agent = initialize_agent([PythonREPLTool()], llm=None)
# Runbook index built by the nightly job and synced from the shared bucket.
runbooks = FAISS.load_local("/data/runbook-index", OpenAIEmbeddings())


@app.post("/ask")
def ask():
    persona = request.json.get("persona", "a helpful SRE")
    resp = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"You are {persona}. Reply with one shell command."},
            {"role": "user", "content": request.json["question"]},
        ],
    )
    command = resp.choices[0].message.content
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    return {"command": command, "output": result.stdout}
