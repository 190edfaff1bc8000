// Package dbustest is a desktop notification server for tests: it owns
// org.freedesktop.Notifications on the session bus, as a desktop's
// notification daemon does, and records every notification it is asked to
// show. It is the OS edge, faked: the code under test talks real D-Bus.
package dbustest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
)

// The name, object and interface of the notification service
// (freedesktop.org Desktop Notifications Specification 1.2).
const (
	Name  = "org.freedesktop.Notifications"
	Path  = dbus.ObjectPath("/org/freedesktop/Notifications")
	Iface = "org.freedesktop.Notifications"
)

// ErrNameTaken is returned by Start when another process owns the name.
var ErrNameTaken = errors.New(Name + " is owned by another process on this bus")

// Notification is one Notify call, as received.
type Notification struct {
	ID         uint32                  `json:"id"`
	AppName    string                  `json:"appName"`
	ReplacesID uint32                  `json:"replacesId"`
	AppIcon    string                  `json:"appIcon"`
	Summary    string                  `json:"summary"`
	Body       string                  `json:"body"`
	Actions    []string                `json:"actions"`
	Hints      map[string]dbus.Variant `json:"-"`
	Timeout    int32                   `json:"timeout"`
}

// Server owns the notification service's name until Close.
type Server struct {
	conn     *dbus.Conn
	onNotify func(Notification)

	mu      sync.Mutex
	last    uint32 // the last notification's ID
	got     []Notification
	changed chan struct{} // closed, and replaced, at every notification
	closed  bool
}

// Start connects to the session bus (DBUS_SESSION_BUS_ADDRESS) on a
// connection of its own and takes the name, failing with ErrNameTaken if
// someone has it: it never queues behind a real notification daemon.
// onNotify, if not nil, is called with each notification before the
// caller is answered and before Notifications and Wait see it; calls for
// concurrent notifications may overlap.
func Start(onNotify func(Notification)) (*Server, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("dbustest: connect to the session bus: %w", err)
	}
	s := &Server{conn: conn, onNotify: onNotify, changed: make(chan struct{})}
	node := &introspect.Node{Name: string(Path), Interfaces: []introspect.Interface{
		introspect.IntrospectData,
		{Name: Iface, Methods: introspect.Methods(service{s})},
	}}
	if err := conn.Export(service{s}, Path, Iface); err != nil {
		conn.Close()
		return nil, fmt.Errorf("dbustest: export: %w", err)
	}
	if err := conn.Export(introspect.NewIntrospectable(node), Path, "org.freedesktop.DBus.Introspectable"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("dbustest: export: %w", err)
	}
	reply, err := conn.RequestName(Name, dbus.NameFlagDoNotQueue)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("dbustest: request %s: %w", Name, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		conn.Close()
		return nil, ErrNameTaken
	}
	return s, nil
}

// Notifications returns every notification received so far.
func (s *Server) Notifications() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// Wait returns the notifications once there are at least n, or the ones
// received so far with ctx's error.
func (s *Server) Wait(ctx context.Context, n int) ([]Notification, error) {
	for {
		s.mu.Lock()
		got, changed := slices.Clone(s.got), s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return got, fmt.Errorf("dbustest: %d notifications of %d: %w", len(got), n, ctx.Err())
		}
	}
}

// Close gives the name up and disconnects: from its return, the bus knows
// no notification service (calls to it fail). Safe to call twice.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	_, err := s.conn.ReleaseName(Name)
	return errors.Join(err, s.conn.Close())
}

// service is the exported object: only D-Bus methods, so that Server's own
// methods are not callable over the bus.
type service struct{ s *Server }

// Notify shows a notification (here: records it) and returns its ID.
func (v service) Notify(appName string, replacesID uint32, appIcon string, summary string, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s := v.s
	n := Notification{ID: replacesID, AppName: appName, ReplacesID: replacesID, AppIcon: appIcon,
		Summary: summary, Body: body, Actions: actions, Hints: hints, Timeout: timeout}
	if n.ID == 0 {
		s.mu.Lock()
		s.last++
		n.ID = s.last
		s.mu.Unlock()
	}
	if s.onNotify != nil {
		s.onNotify(n)
	}
	s.mu.Lock()
	s.got = append(s.got, n)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return n.ID, nil
}

// GetCapabilities lists what the server supports (the spec's names).
func (service) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"body", "actions", "icon-static"}, nil
}

// GetServerInformation names the server.
func (service) GetServerInformation() (name, vendor, version, specVersion string, err *dbus.Error) {
	return "dbustest", "Sportello", "1", "1.2", nil
}

// CloseNotification closes a notification (there is nothing on screen).
func (service) CloseNotification(id uint32) *dbus.Error { return nil }
