// Which top-level keys are jobs. GitLab's Root entry: its keywords are not jobs, keys starting
// with `.` are hidden templates, and every other key is a job, whatever its name (even `secrets`).

/**
 * GitLab's root keywords, plus `spec` (the header of a file with inputs, misplaced in the
 * configuration document) and `types` (the removed alias of `stages`), which name no job either.
 */
export const GLOBAL_KEYWORDS: ReadonlySet<string> = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'spec',
  'types',
])

export function isHidden(name: string): boolean {
  return name.startsWith('.')
}

export function isVisibleJob(name: string): boolean {
  return !GLOBAL_KEYWORDS.has(name) && !isHidden(name)
}
