// Known-answer vectors for vault format 2 (docs/FORMAT.md section 7), computed once by this code
// and frozen here; operation-vectors.test.ts checks each against a second computation. If one
// changes, the format changed: every format-2 vault breaks.

/** The identity signing both operations: seed 00..1f (test/crypto/vectors.ts, first identity). */
export const SEED_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
export const RECIPIENT = 'secrets1qwss00lnecgtu8tsm5vwwj7qn9n7f43snwjs6hcamjrxgyj4xxuq0zarf4'
export const VAULT_ID = 'v-0001'

export const GENESIS = {
  body: '{"at":"2026-01-01T00:00:00.000Z","author":null,"data":{"member":{"branch":"*","environment":"*","kind":"user","name":"user:alice","recipient":"secrets1qwss00lnecgtu8tsm5vwwj7qn9n7f43snwjs6hcamjrxgyj4xxuq0zarf4","role":"owner"}},"kind":"vault.create","parents":[],"v":2,"vault":"v-0001"}',
  id: 'c118c8501805a6ae29096f3020cf9a215ef6292e2a0da43c21cf21ed27189b26',
  signatureHex: 'efe848521d9b2c012712450a21ad2c6837417d13ce6b6ff4d9567832d591b3ea79090d0ca6470838b416226f5729a9076c9d23a57f2e559282f71607c6b2690b',
}

/** A key operation's id (any 64 hex digits): the value's key and its only parent. */
export const KEY_ID = 'ab'.repeat(32)
export const DATA_KEY_HEX = '42'.repeat(32)
export const COMMITMENT_HEX = '121d70d09f6489b1a2b89697179d73716d72ca413b878bfcdeea482612692e10'
export const NONCE_HEX = '24'.repeat(24)
export const PLAINTEXT = 'correct horse battery staple'

export const VALUE = {
  associatedDataHex:
    '0000000010736563726574732f76322f76616c75650100000006762d30303031010000004063313138633835303138303561366165323930393666333032306366396132313565663632393265326130646134336332316366323165643237313839623236010000000b44425f50415353574f5244010000000a70726f64756374696f6e01000000046d61696e010000004061626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162010000004061626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162616261626162',
  ciphertextHex: 'c631a5170b473886ca404d496ba86fab4685ebc8053f07e940118a286b211602cfdd08e14de469bcba87943d',
}

export const SECRET_SET = {
  body: '{"at":"2026-01-01T00:00:01.000Z","author":"c118c8501805a6ae29096f3020cf9a215ef6292e2a0da43c21cf21ed27189b26","data":{"branch":"main","ciphertext":"xjGlFwtHOIbKQE1Ja6hvq0aF68gFPwfpQBGKKGshFgLP3QjhTeRpvLqHlD0=","description":null,"environment":"production","file":false,"key":"abababababababababababababababababababababababababababababababab","name":"DB_PASSWORD","nonce":"JCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk","origin":null,"protected":false,"ref":null,"rotation_days":30,"variable":false},"kind":"secret.set","parents":["abababababababababababababababababababababababababababababababab"],"v":2,"vault":"v-0001"}',
  id: 'f90cab1267fe57f988b81782ab193ad9dc7d3652b7b3cc9c94d4219673049561',
  signatureHex: '5f3f427b00e7a959350537f13f8c5d6e15d758972128e81c852d3e711b5995ef476efdb9dbb0d14c1494ea1a3f561429f6635ee3319a9f248a7d05439269ec03',
}
