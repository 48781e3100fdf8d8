// Property: any value over an alphabet of everything dotenv treats specially comes back byte
// for byte from formatDotenv, through parseDotenv and through dotenv's own parse, or is refused
// with an error that names the key. Seeded, so a failure can be replayed: SEED=<n> npx vitest …
import {parse as dotenvParse} from 'dotenv'
import {describe, expect, it} from 'vitest'

import {SecretsError} from '../../src/errors.js'
import {formatDotenv, parseDotenv} from '../../src/formats/dotenv.js'

const CASES = 300
const SEED = Number(process.env.SEED ?? 20240607)

// mulberry32: tiny, deterministic, good enough to pick characters.
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NASTY = [
  "'", '"', '`', '\\', '$', '#', '=', ' ', '\n', '\r\n', '\r', '\t',
  'n', 'r', 'a', 'Z', '0', '{', '}', 'é', '日本', '😀', '\u00a0', '\u2028', '\ufeff', 'export ',
]

function randomValue(random: () => number): string {
  const length = 1 + Math.floor(random() * 12)
  let value = ''
  for (let i = 0; i < length; i++) value += NASTY[Math.floor(random() * NASTY.length)]
  return value
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', {ignoreBOM: true})

describe(`dotenv round trip (seed ${SEED})`, () => {
  const random = prng(SEED)
  const values = Array.from({length: CASES}, () => randomValue(random))
  const accepted: {name: string; value: string}[] = []

  it('gives back every value it writes, byte for byte, or refuses it naming the key', () => {
    values.forEach((value, index) => {
      const name = `VALUE_${index}`
      const context = `seed ${SEED}, case ${index}, value ${JSON.stringify(value)}`
      let text: string
      try {
        text = formatDotenv([{name, value: encoder.encode(value)}])
      } catch (error) {
        expect(error, context).toBeInstanceOf(SecretsError)
        expect((error as SecretsError).message, context).toBe(
          `cannot export ${name} as dotenv: no quoting keeps its value both exact for dotenv and inert in a shell that sources the file`,
        )
        return
      }
      accepted.push({name, value})
      const [secret, ...rest] = parseDotenv(text)
      expect(rest, context).toStrictEqual([])
      expect(secret?.name, context).toBe(name)
      expect(Buffer.from(secret?.value ?? []).equals(Buffer.from(encoder.encode(value))), context).toBe(true)
      expect(dotenvParse(text), context).toStrictEqual({[name]: value})
    })
    // Refusals are the exception: most of these nasty values must round-trip (a ' with $, `, "
    // or a backslash is refused: see dotenv-shell.test.ts; it is common in this alphabet).
    expect(accepted.length, `seed ${SEED}`).toBeGreaterThan(CASES * 0.5)
  })

  it('gives them all back from one file, where one value could swallow the next', () => {
    // Order matters for that; reverse too, so each value gets other neighbours.
    for (const batch of [accepted, [...accepted].reverse()]) {
      const text = formatDotenv(batch.map(({name, value}) => ({name, value: encoder.encode(value)})))
      const expected = Object.fromEntries(batch.map(({name, value}) => [name, value]))
      expect(dotenvParse(text), `seed ${SEED}`).toStrictEqual(expected)
      const ours = Object.fromEntries(parseDotenv(text).map((s) => [s.name, decoder.decode(s.value)]))
      expect(ours, `seed ${SEED}`).toStrictEqual(expected)
    }
  })

  it("refuses only values that hold a carriage return, or a ' with $, `, \" or a backslash", () => {
    for (const value of values) {
      if (accepted.some((a) => a.value === value)) continue
      const noShellForm = value.includes("'") && /[$`"\\]/.test(value)
      expect(value.includes('\r') || noShellForm, `seed ${SEED}, value ${JSON.stringify(value)}`).toBe(true)
    }
  })
})
