// Plain errors for the crypto layer. The vault maps them to SecretsError with the name of the
// secret or member involved; here we only know bytes, so messages say what kind of failure it
// was and never include key material, plaintext or the text that failed to parse (a pasted
// identity with a typo is still a secret).

/** An AEAD open or a sealed-box open failed: wrong key, or the data or its context changed. */
export class DecryptionFailed extends Error {
  constructor(message = 'decryption failed: wrong key, or the data or its context was modified') {
    super(message)
    this.name = 'DecryptionFailed'
  }
}

/** A printed identity or recipient could not be parsed. Messages are one lower-case line. */
export class InvalidKeyText extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidKeyText'
  }
}
