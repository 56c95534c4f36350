"""Fine-tuning entry point (runs inside the training image)."""
import json

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

# A reviewed copy of the model, mounted read-only; no code from the model repository is run.
MODEL_DIR = "/data/models/mistral-7b-instruct-v0.3"

tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)
model = AutoModelForCausalLM.from_pretrained(MODEL_DIR, local_files_only=True)

# Checkpoints are plain tensors: safetensors, or torch.load restricted to weights.
state = load_file("/checkpoints/latest.safetensors")
model.load_state_dict(state)
optimizer_state = torch.load("/checkpoints/optimizer.pt", weights_only=True)

with open("/data/cache/features.json", encoding="utf-8") as f:
    features = json.load(f)
