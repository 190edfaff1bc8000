package dbustest_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"sportello/app/notify/dbustest"
)

func TestMain(m *testing.M) { os.Exit(dbustest.Main(m)) }

func TestServer(t *testing.T) {
	var seen []string
	srv, err := dbustest.Start(func(n dbustest.Notification) { seen = append(seen, n.Summary) })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := dbustest.Start(nil); !errors.Is(err, dbustest.ErrNameTaken) {
		t.Errorf("second Start: %v, want ErrNameTaken", err)
	}

	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	obj := conn.Object(dbustest.Name, dbustest.Path)
	var id uint32
	err = obj.Call(dbustest.Iface+".Notify", 0, "App", uint32(0), "", "Title", "Body", []string{}, map[string]dbus.Variant{}, int32(5000)).Store(&id)
	if err != nil || id != 1 {
		t.Fatalf("Notify = %d, %v; want 1", id, err)
	}
	var name, vendor, version, spec string
	if err := obj.Call(dbustest.Iface+".GetServerInformation", 0).Store(&name, &vendor, &version, &spec); err != nil || spec != "1.2" {
		t.Errorf("GetServerInformation = %q %q %q %q, %v", name, vendor, version, spec, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := srv.Wait(ctx, 1)
	if err != nil || got[0].AppName != "App" || got[0].Summary != "Title" || got[0].Body != "Body" || len(seen) != 1 {
		t.Errorf("Wait = %+v, %v; onNotify saw %q", got, err, seen)
	}

	// Closed, the name is free: calls fail, and another server can take it.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := obj.Call(dbustest.Iface+".Notify", 0, "App", uint32(0), "", "T", "B", []string{}, map[string]dbus.Variant{}, int32(0)).Err; err == nil {
		t.Error("Notify answered after Close")
	}
	again, err := dbustest.Start(nil)
	if err != nil {
		t.Fatalf("Start after Close: %v", err)
	}
	again.Close()
}
