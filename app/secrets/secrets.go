// Package secrets keeps account tokens and passwords in the operating system's
// keychain (Credential Manager on Windows, Keychain on macOS, the Secret Service
// of GNOME Keyring or KWallet on Linux), never in Sportello's data folder.
package secrets

import (
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// Service is the name Sportello's entries are filed under in the keychain,
// where a person can find and remove them by hand.
const Service = "Sportello"

var (
	// ErrNotFound means no secret is saved for the account.
	ErrNotFound = errors.New("no secret saved for this account")
	// ErrTooBig means the secret exceeds what this system's keychain holds.
	ErrTooBig = fmt.Errorf("secret longer than the %d bytes the keychain holds", maxSecret)
)

// Keychain saves one secret per account ID under a service name.
type Keychain struct{ service string }

// New returns the keychain entries filed under service (normally Service).
func New(service string) *Keychain { return &Keychain{service: service} }

// Set saves the secret of an account, replacing any earlier one.
func (k *Keychain) Set(accountID, secret string) error {
	if accountID == "" {
		return errors.New("secrets: empty account ID")
	}
	if len(secret) > maxSecret {
		return ErrTooBig
	}
	return translate(keyring.Set(k.service, accountID, secret))
}

// Get returns the secret of an account, or ErrNotFound.
func (k *Keychain) Get(accountID string) (string, error) {
	s, err := keyring.Get(k.service, accountID)
	return s, translate(err)
}

// Delete removes the secret of an account; removing a missing one is not an error.
func (k *Keychain) Delete(accountID string) error {
	if err := translate(keyring.Delete(k.service, accountID)); !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// DeleteAll removes every secret filed under the keychain's service.
func (k *Keychain) DeleteAll() error {
	if k.service == "" {
		return errors.New("secrets: empty service name")
	}
	if err := translate(keyring.DeleteAll(k.service)); !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooBig
	}
	return fmt.Errorf("OS keychain: %w", err)
}
