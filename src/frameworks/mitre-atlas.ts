import { defineFramework } from '../core/framework.js';

/** MITRE ATLAS techniques Sanctum's rules map to. */
export const mitreAtlas = defineFramework({
  id: 'mitre-atlas',
  title: 'MITRE ATLAS',
  url: 'https://atlas.mitre.org/',
  controls: {
    'AML.T0010': 'ML Supply Chain Compromise',
    'AML.T0010.001': 'ML Supply Chain Compromise: ML Software',
    'AML.T0010.003': 'ML Supply Chain Compromise: Model',
    'AML.T0011': 'User Execution',
    'AML.T0011.000': 'User Execution: Unsafe ML Artifacts',
    'AML.T0012': 'Valid Accounts',
    'AML.T0018': 'Manipulate AI Model (Backdoor ML Model)',
    'AML.T0018.002': 'Manipulate AI Model: Embed Malware',
    'AML.T0024': 'Exfiltration via AI Inference API',
    'AML.T0025': 'Exfiltration via Cyber Means',
    'AML.T0029': 'Denial of AI Service',
    'AML.T0034': 'Cost Harvesting',
    'AML.T0035': 'AI Artifact Collection',
    'AML.T0040': 'AI Model Inference API Access',
    'AML.T0044': 'Full AI Model Access',
    'AML.T0049': 'Exploit Public-Facing Application',
    'AML.T0050': 'Command and Scripting Interpreter',
    'AML.T0051': 'LLM Prompt Injection',
    'AML.T0053': 'LLM Plugin Compromise',
    'AML.T0055': 'Unsecured Credentials',
    'AML.T0057': 'LLM Data Leakage',
    'AML.T0072': 'Reverse Shell',
  },
});
