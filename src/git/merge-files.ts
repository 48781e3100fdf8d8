/** What git hands a merge driver (`%O %A %B %P`). */
export interface MergeFiles {
  /** The common ancestor (`%O`); may be empty or missing when the file is new on both sides. */
  base: string
  /** Our side (`%A`): the result is written here. */
  ours: string
  /** Their side (`%B`). */
  theirs: string
  /** The path in the repository (`%P`), for messages. */
  path?: string
}
