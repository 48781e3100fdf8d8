import {printable} from './printable.js'

/**
 * Plain aligned columns: readable in a terminal, greppable in a pipe. Cells are input (names from
 * a CI file, authors from a vault): their control characters are shown escaped, never sent raw.
 */
export function renderTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((row) => row.map(printable))
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}
