import type { FrameworkCatalogue } from '../core/framework.js';
import { cisDocker } from './cis-docker.js';
import { cisK8s } from './cis-k8s.js';
import { mitreAtlas } from './mitre-atlas.js';
import { nsaCisa } from './nsa-cisa.js';
import { owaspLlm2025 } from './owasp-llm-2025.js';
import { pss } from './pss.js';

export const allFrameworks: readonly FrameworkCatalogue[] = [pss, cisDocker, cisK8s, nsaCisa, owaspLlm2025, mitreAtlas];
