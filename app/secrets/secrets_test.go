package secrets

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// realKeychain returns a keychain under a test-only service name, but only in
// a throwaway keychain (scripts/keyring-session.sh sets SPORTELLO_TEST_KEYCHAIN):
// these tests must never write into a person's own keychain. In CI a missing
// keychain fails the test instead of skipping it.
func realKeychain(t *testing.T) *Keychain {
	t.Helper()
	if os.Getenv("SPORTELLO_TEST_KEYCHAIN") == "" {
		msg := "no throwaway OS keychain: run under scripts/keyring-session.sh (make test does)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	k := New("Sportello test " + t.Name())
	if err := k.DeleteAll(); err != nil {
		t.Fatalf("DeleteAll() before the test = %v: is the keychain running and unlocked?", err)
	}
	t.Cleanup(func() { _ = k.DeleteAll() })
	return k
}

func TestKeychainRoundTrip(t *testing.T) {
	k := realKeychain(t)
	if got, err := k.Get("acct-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) = %q, %v, want ErrNotFound", got, err)
	}
	secrets := map[string]string{
		"acct-1":           "EAAB-page-token",
		"acct-2":           "password with spaces, àccénts and €\nand a second line",
		"acct/with:colons": strings.Repeat("x", 2000),
	}
	for acct, s := range secrets {
		if err := k.Set(acct, s); err != nil {
			t.Fatalf("Set(%q) = %v", acct, err)
		}
	}
	for acct, want := range secrets {
		if got, err := k.Get(acct); got != want || err != nil {
			t.Errorf("Get(%q) = %q, %v, want %q, nil", acct, got, err, want)
		}
	}

	// A new token replaces the old one instead of adding a second entry.
	if err := k.Set("acct-1", "EAAB-renewed"); err != nil {
		t.Fatalf("Set(acct-1) again = %v", err)
	}
	if got, err := k.Get("acct-1"); got != "EAAB-renewed" || err != nil {
		t.Errorf("Get(acct-1) after replacing = %q, %v, want %q, nil", got, err, "EAAB-renewed")
	}

	if err := k.Delete("acct-1"); err != nil {
		t.Fatalf("Delete(acct-1) = %v", err)
	}
	if got, err := k.Get("acct-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(acct-1) after Delete = %q, %v, want ErrNotFound", got, err)
	}
	if err := k.Delete("acct-1"); err != nil {
		t.Errorf("Delete(acct-1) twice = %v, want nil", err)
	}
	if got, err := k.Get("acct-2"); got != secrets["acct-2"] || err != nil {
		t.Errorf("Get(acct-2) after deleting acct-1 = %q, %v, want it untouched", got, err)
	}
}

func TestKeychainDeleteAllKeepsOtherServices(t *testing.T) {
	k := realKeychain(t)
	other := New(k.service + " other")
	t.Cleanup(func() { _ = other.DeleteAll() })
	if err := other.Set("acct-1", "keep me"); err != nil {
		t.Fatalf("other.Set = %v", err)
	}
	for _, acct := range []string{"acct-1", "acct-2"} {
		if err := k.Set(acct, "token of "+acct); err != nil {
			t.Fatalf("Set(%q) = %v", acct, err)
		}
	}
	if err := k.DeleteAll(); err != nil {
		t.Fatalf("DeleteAll() = %v", err)
	}
	for _, acct := range []string{"acct-1", "acct-2"} {
		if got, err := k.Get(acct); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) after DeleteAll = %q, %v, want ErrNotFound", acct, got, err)
		}
	}
	if got, err := other.Get("acct-1"); got != "keep me" || err != nil {
		t.Errorf("other service's Get after DeleteAll = %q, %v, want %q, nil", got, err, "keep me")
	}
	if err := k.DeleteAll(); err != nil {
		t.Errorf("DeleteAll() with nothing left = %v, want nil", err)
	}
}

func TestKeychainLimits(t *testing.T) {
	k := realKeychain(t)
	if err := k.Set("acct-1", strings.Repeat("x", maxSecret+1)); !errors.Is(err, ErrTooBig) {
		t.Errorf("Set(%d bytes) = %v, want ErrTooBig", maxSecret+1, err)
	}
	if err := k.Set("acct-1", strings.Repeat("x", maxSecret)); err != nil {
		t.Errorf("Set(%d bytes) = %v, want nil", maxSecret, err)
	}
	if got, err := k.Get("acct-1"); len(got) != maxSecret || err != nil {
		t.Errorf("Get after Set(%d bytes) = %d bytes, %v", maxSecret, len(got), err)
	}
	if err := k.Set("", "x"); err == nil {
		t.Error(`Set("", "x") = nil, want an error`)
	}
	if err := New("").DeleteAll(); err == nil {
		t.Error(`New("").DeleteAll() = nil, want an error`)
	}
}
