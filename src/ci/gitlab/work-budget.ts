// A bound on the work `extends:`, `include:` and `!reference` may cause. Each is limited on its
// own (nesting levels, include count), but together they multiply: a reference to a list of ten
// references to lists of ten references… is a few lines of YAML and billions of values. The
// budget counts values copied or walked; no real configuration comes near it.

/**
 * Values merged or walked for one pipeline: four times the 250,000 values one file may hold, so a
 * file at GitLab's size limit whose jobs all extend shared bases still fits. The real pipelines
 * of the test corpus use at most about 3,000.
 */
export const MAX_WORK = 1_000_000

export class WorkBudgetExceeded extends Error {}

export class WorkBudget {
  private spent = 0

  constructor(private readonly limit = MAX_WORK) {}

  spend(units: number): void {
    this.spent += units
    if (this.spent > this.limit) throw new WorkBudgetExceeded(`the configuration expands to more than ${this.limit} values through extends:, include: and !reference`)
  }

  get used(): number {
    return this.spent
  }
}
