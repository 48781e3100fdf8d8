// End-to-end tests run the CLI with spawnSync, which blocks this worker's event loop; a file of
// such tests could keep vitest's own messages to the main process waiting past its 60 s
// timeout ("Timeout calling onTaskUpdate"). One turn of the event loop after each test lets
// them through.
import {afterEach} from 'vitest'

afterEach(async () => {
  await new Promise((resolve) => setImmediate(resolve))
})
