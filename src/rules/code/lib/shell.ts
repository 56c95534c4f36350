/** What the shell rules read of shell command lines, shared by the sinks and the sanitisers. */

/** The POSIX shells that run a script given with `-c`: sh, bash, zsh, dash, ksh, ash (as a source of a regular expression). */
export const SHELL_NAME = '(?:ba|z|da|k|a)?sh';

/** The option of a shell that takes the next argument as the script: `-c`, `-lc`, `-ec`. */
export const SHELL_SCRIPT_FLAG = /^-[a-zA-Z]*c[a-zA-Z]*$/;
