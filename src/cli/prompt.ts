import { ReportedFailure } from './reported.js';

/** Asks the user on the terminal; only there when stdin and stderr are one (never in scripts). */
export interface Prompter {
  /** One line of input; a secret is not echoed. Ctrl-C or end of input rejects. */
  ask(question: string, options: { secret: boolean }): Promise<string>;
}

type TtyIn = NodeJS.ReadStream & { setRawMode(mode: boolean): void };

/** Ctrl-C at a prompt arrives as a key, not a signal: the command ends as SIGINT would end it (130). */
const interrupted = (): ReportedFailure => new ReportedFailure(130);

/**
 * A prompt on stderr (stdout stays for results). A secret is read in raw mode, one key at a time,
 * so it never appears on the screen nor in the scrollback.
 */
export function createTtyPrompter(stdin: () => TtyIn, output: NodeJS.WriteStream): Prompter {
  return {
    async ask(question, { secret }) {
      const input = stdin();
      if (!secret) {
        // Loaded here: every command builds the context, few ever ask.
        const { createInterface } = await import('node:readline/promises');
        const rl = createInterface({ input, output, terminal: true });
        const asked = new AbortController();
        rl.on('SIGINT', () => asked.abort());
        try {
          return await rl.question(question, { signal: asked.signal });
        } catch (error) {
          if (asked.signal.aborted) {
            output.write('\n');
            throw interrupted();
          }
          throw error;
        } finally {
          rl.close();
        }
      }
      // No echo from the terminal before the question shows: keys typed as soon as it is read stay hidden too.
      input.setRawMode(true);
      output.write(question);
      return new Promise<string>((resolve, reject) => {
        let value = '';
        const done = (error?: Error): void => {
          input.off('data', onData);
          input.setRawMode(false);
          input.pause();
          output.write('\n');
          if (error) reject(error);
          else resolve(value);
        };
        const onData = (chunk: Buffer): void => {
          for (const char of chunk.toString('utf8')) {
            if (char === '\r' || char === '\n') {
              done();
              return;
            }
            if (char === '\u0003') {
              done(interrupted());
              return;
            }
            if (char === '\u0004') {
              done(new Error('end of input at a prompt'));
              return;
            }
            if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
            else if (char >= ' ') value += char;
          }
        };
        input.resume();
        input.on('data', onData);
      });
    },
  };
}
