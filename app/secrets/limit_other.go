//go:build !windows && !darwin

package secrets

// The Secret Service has no hard limit but slows down past ~100 KiB; no
// Sportello secret comes close.
const maxSecret = 64 << 10
