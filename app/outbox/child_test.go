//go:build !windows

package outbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash tests re-execute the test binary as a child that works on an
// on-disk store and acknowledges each step on stdout once it has returned;
// the parent kills it with SIGKILL and checks what survives.

// child is one re-executed test binary.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // closed when stdout is
	stderr bytes.Buffer
	once   sync.Once
}

// startChild runs the test named run in a new process with env added.
func startChild(t *testing.T, run string, env ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^"+run+"$", "-test.count=1"), lines: make(chan string, 64)}
	// Under -race a child that exits sleeps a second first, by default.
	c.cmd.Env = append(os.Environ(), append(env, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")...)
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	go func() {
		// Lines still in the pipe after the kill were written after their
		// step returned: they are acknowledged too, so read them all.
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	return c
}

// kill sends SIGKILL, once; safe from any goroutine.
func (c *child) kill() { c.once.Do(func() { _ = c.cmd.Process.Signal(syscall.SIGKILL) }) }

// wait reaps the child after its output is read; killed reports SIGKILL.
func (c *child) wait(t *testing.T) (killed bool) {
	t.Helper()
	err := c.cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return false
	case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		return true
	}
	t.Fatalf("child ended with %v; stderr:\n%s", err, c.stderr.String())
	return false
}

// childFail reports a child's own failure and ends it; the parent sees a
// non-zero exit and the message on stderr.
func childFail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}

// rounds reads a round count from env, or def.
func rounds(t *testing.T, env string, def int) int {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q, want a positive number", env, v)
	}
	return n
}

// killSeed is the seed that picks the kill points: from env to replay a
// failure, or the time.
func killSeed(t *testing.T, env string) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(env); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q, want a number", env, v)
		}
		seed = n
	}
	t.Logf("%s=%d replays these kill points", env, seed)
	return rand.New(rand.NewPCG(seed, 1))
}

func plenty(string) (int64, error) { return 1 << 40, nil }
