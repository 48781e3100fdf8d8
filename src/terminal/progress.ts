/** Anything quicker needs no progress line: it would only flicker. */
export const PROGRESS_AFTER_MS = 1000

export interface ProgressLine {
  update: (done: number, total: number) => void
  /** Clears the line, if one was drawn, so that the command's own summary follows cleanly. */
  done: () => void
}

/**
 * A one-line progress bar on a terminal, drawn once the work has taken a second (counted from
 * `since`, by default now) and redrawn at most once per percent; nothing at all when the stream
 * is not a terminal (logs and pipes get the summary line only).
 */
export function progressBar(stream: NodeJS.WriteStream, label: string, options: {since?: number; clock?: () => number} = {}): ProgressLine {
  const clock = options.clock ?? (() => performance.now())
  const since = options.since ?? clock()
  let shown = -1
  let drawn = false
  return {
    update(done, total) {
      if (!stream.isTTY || total <= 0) return
      const percent = Math.floor((done / total) * 100)
      if (percent === shown || clock() - since < PROGRESS_AFTER_MS) return
      shown = percent
      const width = 30
      const filled = Math.round((percent / 100) * width)
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`)
      drawn = true
    },
    done() {
      if (drawn) stream.write('\r\u001B[K')
      drawn = false
      shown = -1
    },
  }
}
