package secrets

// The Credential Manager holds at most 2560 bytes per credential.
const maxSecret = 2560
