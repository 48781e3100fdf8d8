/** Below this many steps a bar would only flicker. */
const MIN_STEPS = 200

/**
 * A one-line progress bar on a terminal, redrawn at most once per percent; nothing at all
 * when the stream is not a terminal (logs and pipes get the summary line only).
 */
export function progressBar(stream: NodeJS.WriteStream, label: string): {update: (done: number, total: number) => void; done: () => void} {
  let shown = -1
  let drawn = false
  return {
    update(done, total) {
      if (!stream.isTTY || total < MIN_STEPS) return
      const percent = Math.floor((done / total) * 100)
      if (percent === shown) return
      shown = percent
      const width = 30
      const filled = Math.round((percent / 100) * width)
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`)
      drawn = true
    },
    done() {
      if (drawn) stream.write('\n')
    },
  }
}
