package instance

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// sessionBus connects to the session bus; a test needing one fails in CI
// without it (make test runs Go's tests on a private bus).
func sessionBus(t *testing.T) *dbus.Conn {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// godbus would start a bus of its own that outlives the test.
		msg := "no D-Bus session bus: run under dbus-run-session (make test does)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		msg := "no D-Bus session bus: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// wailsListener is the receiving end of Wails v2's Linux single-instance lock,
// as internal/frontend/desktop/linux/single_instance.go sets it up.
type wailsListener chan string

func (l wailsListener) SendMessage(message string) *dbus.Error {
	l <- message
	return nil
}

func TestSignalReachesTheRunningInstance(t *testing.T) {
	conn := sessionBus(t)
	dataDir := t.TempDir()
	name, path := busNames(ID(dataDir))
	got := make(wailsListener, 1)
	if err := conn.Export(got, path, name); err != nil {
		t.Fatalf("Export = %v", err)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName(%q) = %v, %v: the ID must make a valid, free bus name", name, reply, err)
	}

	if err := Signal(dataDir); err != nil {
		t.Fatalf("Signal(%q) = %v, want nil", dataDir, err)
	}
	select {
	case msg := <-got:
		var data struct {
			Args             []string
			WorkingDirectory string
		}
		if err := json.Unmarshal([]byte(msg), &data); err != nil {
			t.Fatalf("message %q is not Wails' SecondInstanceData: %v", msg, err)
		}
		wd, _ := os.Getwd()
		if !slices.Equal(data.Args, os.Args[1:]) || data.WorkingDirectory != wd {
			t.Errorf("running instance got %+v, want Args %q and WorkingDirectory %q", data, os.Args[1:], wd)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("running instance got no message")
	}

	// Another folder is another instance: nobody answers for it.
	if err := Signal(t.TempDir()); !errors.Is(err, ErrNoInstance) {
		t.Errorf("Signal(another folder) = %v, want ErrNoInstance", err)
	}
}
