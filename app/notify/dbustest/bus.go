package dbustest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// envBus tells a test process which bus Main started for it.
const envBus = "SPORTELLO_TEST_PRIVATE_BUS"

// sessionConf is a session bus that starts no service on demand: with no
// server of the test's own, nothing answers (and no real daemon, installed
// on a developer's machine, pops up notifications).
const sessionConf = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// Main runs m's tests on a private session bus and returns the exit code,
// for TestMain: os.Exit(dbustest.Main(m)).
//
// A test of native notifications must neither use the bus of the desktop it
// runs on (its notification daemon owns the name, and beeep would pop real
// notifications on the developer's screen) nor pass by not running. So,
// unless this process already runs on a bus Main started, Main re-runs the
// test binary, with the same flags, under dbus-run-session with a bus that
// activates no services, and returns that run's exit code. Without
// dbus-run-session the tests fail with a message saying what to install —
// on CI or not, they never skip. This makes a plain `go test ./...` honest
// everywhere, with no wrapper needed in the Makefile.
func Main(m interface{ Run() int }) int {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	switch mark := os.Getenv(envBus); {
	case mark == "new" && addr != "":
		os.Setenv(envBus, addr) // for processes the tests start
		return m.Run()
	case mark != "" && mark == addr:
		return m.Run()
	}
	run, err := exec.LookPath("dbus-run-session")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: these tests need a private D-Bus session bus and dbus-run-session is not installed "+
			"(Debian/Ubuntu: apt-get install dbus; `make deps` does it). They never skip.")
		return 1
	}
	dir, err := os.MkdirTemp("", "dbustest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: dbustest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	conf := filepath.Join(dir, "session.conf")
	if err := os.WriteFile(conf, []byte(sessionConf), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: dbustest:", err)
		return 1
	}
	cmd := exec.Command(run, append([]string{"--config-file=" + conf, "--", os.Args[0]}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envBus+"=new")
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		return exit.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "FAIL: dbustest: run the tests under dbus-run-session:", err)
	return 1
}
