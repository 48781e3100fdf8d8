/**
 * Whether a process with this pid exists (signal 0 checks without sending anything). EPERM
 * means it exists under another user; only ESRCH says it is gone. The pid may have been reused
 * by another process since: callers that must know it is the same one compare start times.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
