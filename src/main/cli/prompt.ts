import { createInterface } from 'node:readline';

/**
 * Reads a secret: hidden typing on a terminal, else the first line of stdin (for scripts:
 * `echo "$PW" | creditdesk users passwd alice`).
 */
export async function readSecret(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    return '';
  }
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: true });
    const writable = rl as unknown as { _writeToOutput: (text: string) => void };
    output.write(question);
    let muted = true;
    writable._writeToOutput = (text: string) => {
      if (!muted) output.write(text);
    };
    rl.question('', (answer) => {
      muted = false;
      output.write('\n');
      rl.close();
      resolve(answer);
    });
  });
}
