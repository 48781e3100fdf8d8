import {usage} from '../errors.js'

/**
 * A secret value from a hidden prompt on a terminal, else all of stdin. Never from argv:
 * argv shows in `ps`, shell history and CI logs.
 *
 * One trailing newline is dropped from a single-line value (what `echo value |` adds);
 * multi-line values (certificates, keys) are kept byte for byte.
 */
export async function readValue(prompt: string, stdin: NodeJS.ReadStream = process.stdin): Promise<Uint8Array> {
  if (stdin.isTTY) {
    const {password} = await import('@inquirer/prompts')
    const typed = await password({message: prompt, mask: false}, {output: process.stderr})
    return new TextEncoder().encode(typed)
  }

  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(chunk as Buffer)
  const bytes = Buffer.concat(chunks)
  return trimSingleLine(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length))
}

export function trimSingleLine(bytes: Uint8Array): Uint8Array {
  let end = bytes.length
  if (end > 0 && bytes[end - 1] === 0x0a) end--
  if (end > 0 && bytes[end - 1] === 0x0d) end--
  // Only when what is left is one line: a newline inside means a multi-line value.
  if (bytes.subarray(0, end).includes(0x0a)) return bytes
  return bytes.subarray(0, end)
}

export function refuseTerminal(stdout: NodeJS.WriteStream, reveal: boolean): void {
  if (stdout.isTTY && !reveal) {
    throw usage('refusing to print a secret value to a terminal', 'pipe or redirect the output, or pass --reveal')
  }
}
