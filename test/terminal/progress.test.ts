import {describe, expect, it} from 'vitest'

import {PROGRESS_AFTER_MS, progressBar} from '../../src/terminal/progress.js'

function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  return {stream: {isTTY, write: (text: string) => writes.push(text)} as unknown as NodeJS.WriteStream, writes}
}

describe('progressBar', () => {
  it('draws nothing during the first second, then once per percent, and clears its line', () => {
    let now = 0
    const {stream, writes} = fakeStream(true)
    const bar = progressBar(stream, 'importing', {clock: () => now})
    bar.update(10, 1000)
    expect(writes).toEqual([])
    now = PROGRESS_AFTER_MS
    bar.update(10, 1000)
    bar.update(11, 1000)
    bar.update(500, 1000)
    expect(writes).toEqual([`\rimporting [${' '.repeat(30)}] 10/1000`, `\rimporting [${'#'.repeat(15)}${' '.repeat(15)}] 500/1000`])
    bar.done()
    expect(writes.at(-1)).toBe('\r\u001B[K')
  })

  it('counts the second from `since`, the start of the whole command', () => {
    const {stream, writes} = fakeStream(true)
    const bar = progressBar(stream, 'importing', {since: 0, clock: () => PROGRESS_AFTER_MS + 1})
    bar.update(1, 2)
    expect(writes).toHaveLength(1)
  })

  it('writes nothing at all when the stream is not a terminal, or when nothing was drawn', () => {
    const {stream, writes} = fakeStream(false)
    const bar = progressBar(stream, 'importing', {since: -10_000})
    bar.update(1, 2)
    bar.done()
    const quick = fakeStream(true)
    const quickBar = progressBar(quick.stream, 'importing')
    quickBar.update(1, 2)
    quickBar.done()
    expect([...writes, ...quick.writes]).toEqual([])
  })
})
