"""Fine-tuning entry point (runs inside the training image)."""
import pickle

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL = "mistralai/Mistral-7B-Instruct-v0.3"

tokenizer = AutoTokenizer.from_pretrained(MODEL, trust_remote_code=True)
model = AutoModelForCausalLM.from_pretrained(MODEL, trust_remote_code=True)

# Resume from the last checkpoint uploaded by any job in the shared bucket.
state = torch.load("/data/checkpoints/latest.pt")
model.load_state_dict(state)

with open("/data/cache/features.pkl", "rb") as f:
    features = pickle.load(f)
