package secrets

import (
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestKeychainIsTheSecretService checks that a saved secret is an item of the
// real Secret Service daemon on the session bus, findable by the attributes
// other tools (secret-tool, Seahorse) use.
func TestKeychainIsTheSecretService(t *testing.T) {
	k := realKeychain(t)
	if err := k.Set("acct-1", "EAAB-page-token"); err != nil {
		t.Fatalf("Set = %v", err)
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	var unlocked, locked []dbus.ObjectPath
	attrs := map[string]string{"service": k.service, "username": "acct-1"}
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.SearchItems", 0, attrs).Store(&unlocked, &locked)
	if err != nil {
		t.Fatalf("SearchItems(%v) = %v", attrs, err)
	}
	if len(unlocked)+len(locked) != 1 {
		t.Fatalf("SearchItems(%v) = %v unlocked, %v locked, want exactly one item", attrs, unlocked, locked)
	}
	if err := k.Delete("acct-1"); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	err = conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets").
		Call("org.freedesktop.Secret.Service.SearchItems", 0, attrs).Store(&unlocked, &locked)
	if err != nil || len(unlocked)+len(locked) != 0 {
		t.Errorf("SearchItems after Delete = %v, %v, %v, want no item", unlocked, locked, err)
	}
}
