// Direct stdio: the SDK client spawns server-everything itself, one server per session (what every
// AI client does without a gateway). The reference for what a stdio bridge may add.
import { EVERYTHING } from '../lib.mjs';

export const directStdio = {
  key: 'direct',
  label: 'a. direct stdio',
  start: async () => ({
    target: { kind: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] },
    pid: null,
    treeRoot: null,
    t0: Date.now(),
    stop: async () => {},
  }),
};
