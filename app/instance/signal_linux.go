package instance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// busNames are the D-Bus name and object path Wails v2 registers for id
// (internal/frontend/desktop/linux/single_instance.go).
func busNames(id string) (name string, path dbus.ObjectPath) {
	id = "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(id)
	return "org." + id + ".SingleInstance", dbus.ObjectPath("/org/" + id + "/SingleInstance")
}

func signal(id, msg string) error {
	// Without a session bus address godbus would launch a bus of its own,
	// which outlives this process and where no Sportello listens.
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return ErrNoInstance
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return fmt.Errorf("session bus: %w", err)
	}
	defer conn.Close()
	name, path := busNames(id)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = conn.Object(name, path).CallWithContext(ctx, name+".SendMessage", dbus.FlagNoAutoStart, msg).Err
	var derr dbus.Error
	if errors.As(err, &derr) && (derr.Name == "org.freedesktop.DBus.Error.ServiceUnknown" || derr.Name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
		return ErrNoInstance
	}
	return err
}
