import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { commandsOf } from './lib/commands.js';

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0007',
    slug: 'dockerfile-sudo-usage',
    title: 'sudo used in a Dockerfile',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.1' },
      { id: 'cis-docker', control: '5.26' },
    ],
    rationale:
      'Builds already run as the user of the stage; `sudo` in a RUN means sudo is installed and configured in the image, usually with a password-less rule for the application user. At run time that turns any code execution in the container (a notebook cell, an agent tool call) into root.',
    remediation:
      'Switch users with `USER root` … `USER app` around the steps that need root, and do not install sudo in runtime images. If a tool needs elevated rights at run time, give the container only the specific capability.',
    references: ['https://docs.docker.com/build/building/best-practices/#user', 'https://github.com/hadolint/hadolint/wiki/DL3004'],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nUSER app\nRUN sudo apt-get install -y git\n' }],
      good: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nRUN apt-get install -y git\nUSER app\n' }],
    },
  },
  check(doc, ctx) {
    for (const { cmd } of commandsOf(doc, ['RUN', 'CMD', 'ENTRYPOINT'])) {
      if (cmd.program === 'sudo')
        ctx.report({ message: `${cmd.name?.value ?? 'sudo'} runs a command as root inside the image`, at: cmd.name!.span });
    }
  },
});
