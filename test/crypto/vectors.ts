// Known-answer vectors for the secrets/v1 format. They were computed once by this code and
// frozen here; each is also checked against an independent computation in vectors.test.ts.
// If one of these changes, the on-disk format changed: every existing vault breaks.
import type {Field} from '../../src/crypto/index.js'
import type {ValueContext} from '../../src/crypto/index.js'

export interface IdentityVector {
  name: string
  seedHex: string
  identity: string
  recipient: string
  fingerprint: string
  ed25519PublicHex: string
  x25519PublicHex: string
}

export const IDENTITY_VECTORS: IdentityVector[] = [
  {
    name: 'seed 00..1f',
    seedHex: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    identity: 'SECRETS-IDENTITY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SA8Y0GU',
    recipient: 'secrets1qwss00lnecgtu8tsm5vwwj7qn9n7f43snwjs6hcamjrxgyj4xxuq0zarf4',
    fingerprint: '2211:541c:a583:b70f',
    ed25519PublicHex: '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8',
    x25519PublicHex: '4701d08488451f545a409fb58ae3e58581ca40ac3f7f114698cd71deac73ca01',
  },
  {
    name: 'seed ff..ff',
    seedHex: 'ff'.repeat(32),
    identity: 'SECRETS-IDENTITY-1LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLSKDVUPJ',
    recipient: 'secrets1w6s4jgzy5mj02yfxt0988fsymy9s22w3maszhcc2rx5j2anq686s6d7fe3',
    fingerprint: 'c5d3:c935:bf09:3faa',
    ed25519PublicHex: '76a1592044a6e4f511265bca73a604d90b0529d1df602be30a19a9257660d1f5',
    x25519PublicHex: 'd1fa3f01826bd8b78e057c086c7b22c7ad4358ca918099cd7b7e5d3acd7e285b',
  },
]

export interface ValueVector {
  name: string
  keyHex: string
  nonceHex: string
  ctx: ValueContext
  plaintext: string
  associatedDataHex: string
  ciphertextHex: string
}

export const VALUE_VECTORS: ValueVector[] = [
  {
    name: 'ascii context, short value',
    keyHex: '42'.repeat(32),
    nonceHex: '24'.repeat(24),
    ctx: {
      vaultId: 'v-0001',
      secretId: 's-0001',
      versionId: 'r-0001',
      name: 'DB_PASSWORD',
      environment: 'production',
      branch: 'main',
      epochId: 'e-0001',
      dataKeyId: 'k-0001',
    },
    plaintext: 'correct horse battery staple',
    associatedDataHex:
      '0000000010736563726574732f76312f76616c75650100000006762d303030310100000006732d303030310100000006722d30303031010000000b44425f50415353574f5244010000000a70726f64756374696f6e01000000046d61696e0100000006652d3030303101000000066b2d30303031',
    ciphertextHex: 'c631a5170b473886ca404d496ba86fab4685ebc8053f07e940118a28a8f71d8e2665f64fb1474bb41581c9a8',
  },
  {
    name: 'random-id context, non-ascii branch, empty value',
    keyHex: '42'.repeat(32),
    nonceHex: '24'.repeat(24),
    ctx: {
      vaultId: '0123456789abcdef0123456789abcdef',
      secretId: 'fedcba9876543210fedcba9876543210',
      versionId: '00000000000000000000000000000001',
      name: 'API_TOKEN',
      environment: 'review/*',
      branch: 'feature/ü',
      epochId: 'e',
      dataKeyId: 'k',
    },
    plaintext: '',
    associatedDataHex:
      '0000000010736563726574732f76312f76616c756501000000203031323334353637383961626364656630313233343536373839616263646566010000002066656463626139383736353433323130666564636261393837363534333231300100000020303030303030303030303030303030303030303030303030303030303030303101000000094150495f544f4b454e01000000087265766965772f2a010000000a666561747572652fc3bc01000000016501000000016b',
    ciphertextHex: '56611358edcc5bd613e5951acb6cc426',
  },
]

export interface CanonicalVector {
  name: string
  label: string
  fields: Field[]
  hex: string
}

export const CANONICAL_VECTORS: CanonicalVector[] = [
  {
    name: 'every field type',
    label: 'secrets/v1/test',
    fields: ['ab', Uint8Array.of(0x00, 0xff), 42, -7, true, false, null, '', 'é'],
    hex: '000000000f736563726574732f76312f7465737401000000026162020000000200ff0300000002343203000000022d37040000000101040000000100050000000001000000000100000002c3a9',
  },
  {
    name: 'label only',
    label: 'secrets/v1/test',
    fields: [],
    hex: '000000000f736563726574732f76312f74657374',
  },
  {
    name: 'safe-integer bounds, zero, astral character',
    label: 'secrets/v1/test',
    fields: [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, '😀'],
    hex: '000000000f736563726574732f76312f7465737403000000103930303731393932353437343039393103000000112d393030373139393235343734303939310300000001300100000004f09f9880',
  },
]

export interface SignatureVector {
  name: string
  seedHex: string
  label: string
  fields: Field[]
  messageHex: string
  signatureHex: string
}

const SEED_00_1F = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'

export const SIGNATURE_VECTORS: SignatureVector[] = [
  {
    name: 'version label, mixed fields',
    seedHex: SEED_00_1F,
    label: 'secrets/v1/version',
    fields: ['v-0001', 'r-0001', 's-0001', 1700000000000, null, true],
    messageHex:
      '0000000012736563726574732f76312f76657273696f6e0100000006762d303030310100000006722d303030310100000006732d30303031030000000d313730303030303030303030300500000000040000000101',
    signatureHex:
      '364f9c1f54cba8024c7b13f3e0dd426eabebaed8c38f17035592e9ec4d35cdb6b66e4c857a1b7f9279d5385591d412f3f91a3adf575782d4dd59a5d2707fa70c',
  },
  {
    name: 'member label, bytes field',
    seedHex: SEED_00_1F,
    label: 'secrets/v1/member',
    fields: [
      'v-0001',
      'm-0001',
      Buffer.from('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8', 'hex'),
      'maintainer',
      false,
    ],
    messageHex:
      '0000000011736563726574732f76312f6d656d6265720100000006762d3030303101000000066d2d30303031020000002003a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8010000000a6d61696e7461696e6572040000000100',
    signatureHex:
      'fcf394207c3af00977c4436fbe27b94b9929329ebe2cd220b90995688921bdb064e69a36168ad3803b12078cdc30e12eff57a4673e61aba051e25a4785b91d0a',
  },
]

/** RFC 8032 section 7.1, tests 1 and 2: checks seedKeypair and signDetached against the RFC. */
export const RFC8032_VECTORS = [
  {
    name: 'rfc 8032 test 1 (empty message)',
    seedHex: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicHex: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    messageHex: '',
    signatureHex:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'rfc 8032 test 2 (one byte)',
    seedHex: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicHex: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    messageHex: '72',
    signatureHex:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
]
