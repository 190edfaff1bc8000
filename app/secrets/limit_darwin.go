package secrets

// go-keyring hands the secret, base64-encoded, to /usr/bin/security in one
// command line of at most 4096 bytes, next to the service and account names.
const maxSecret = 2048
