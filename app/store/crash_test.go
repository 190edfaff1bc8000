//go:build !windows

package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sportello/app/convo"
)

// The crash test re-executes the test binary as a child that ingests batches
// and acknowledges each one on stdout once Ingest has returned; the parent
// kills it with SIGKILL at a random moment and checks that the store it
// leaves behind keeps every acknowledged message exactly once.
const (
	crashDirEnv    = "SPORTELLO_CRASH_DIR"
	crashRoundEnv  = "SPORTELLO_CRASH_ROUND"
	crashRoundsEnv = "SPORTELLO_CRASH_ROUNDS"
	crashSeedEnv   = "SPORTELLO_CRASH_SEED"

	crashAcct       = "acct-crash"
	crashBatchSize  = 50
	crashFresh      = 40 // new messages per batch; the rest re-deliver earlier ones
	crashMaxBatches = 20 // the child stops after this many batches
	// The parent kills after 1..crashMaxAcks acknowledged batches. Under
	// -race on 2 busy cores a batch (50 items, fsync) costs 10-60 ms and a
	// round's fixed part (child start, its Open, the parent's reopen and
	// check) ~150 ms: 8 keeps the 100 rounds at 15-30 s.
	crashMaxAcks = 8
	crashThreads = 6 // conversations per round
)

func crashCursor(round, batch int) string { return fmt.Sprintf("r%d-b%d", round, batch) }

// crashBatch is the platform IDs of batch b of a round, the same on every call.
func crashBatch(round, batch int) []string {
	rng := rand.New(rand.NewPCG(uint64(round)+1, uint64(batch)+1))
	if batch > 0 && rng.IntN(6) == 0 {
		return crashBatch(round, batch-1) // the platform sends the previous page again
	}
	ids := make([]string, 0, crashBatchSize)
	for i := range crashBatchSize {
		r, b, n := round, batch, i
		if i >= crashFresh { // re-deliver an earlier message, of this round or the last
			n = rng.IntN(crashFresh)
			switch {
			case batch > 0 && rng.IntN(4) > 0:
				b = rng.IntN(batch + 1)
			case round > 0:
				r, b = round-1, rng.IntN(crashMaxAcks)
			}
		}
		ids = append(ids, fmt.Sprintf("r%d-b%d-%d", r, b, n))
	}
	return ids
}

// crashThread is the thread of a platform ID: its round's conversations.
func crashThread(pid string) string {
	round, _, _ := strings.Cut(pid, "-")
	h := fnv.New32a()
	h.Write([]byte(pid))
	return fmt.Sprintf("%s-t%d", round, h.Sum32()%crashThreads)
}

// crashItem is the inbound item of a platform ID, the same on every delivery.
func crashItem(pid string) convo.Inbound {
	var r, b, i int
	if _, err := fmt.Sscanf(pid, "r%d-b%d-%d", &r, &b, &i); err != nil {
		panic(fmt.Sprintf("crash test platform ID %q: %v", pid, err))
	}
	dir := convo.DirIn
	if i%5 == 4 {
		dir = convo.DirOut
	}
	thread := crashThread(pid)
	return convo.Inbound{
		ThreadID: thread,
		Kind:     convo.KindDM,
		Customer: convo.Identity{Platform: convo.PlatformWhatsApp, Handle: "cust-" + thread, DisplayName: "Cliente " + thread},
		Message: convo.Message{
			PlatformID: pid, Direction: dir, Text: fmt.Sprintf("messaggio m%dx%dx%d sul pacco", r, b, i),
			At: t0.Add(time.Duration(r)*time.Hour + time.Duration(b)*time.Minute + time.Duration(i)*time.Second),
		},
	}
}

// TestCrashChild is the child half of TestCrashDuringIngest; run directly it does nothing.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return
	}
	round, err := strconv.Atoi(os.Getenv(crashRoundEnv))
	if err != nil {
		fmt.Fprintf(os.Stderr, "bad %s: %v\n", crashRoundEnv, err)
		os.Exit(2)
	}
	s, err := Open(dir, Options{Now: newClock().Now, FreeSpace: plenty})
	if err != nil {
		fmt.Fprintf(os.Stderr, "child open: %v\n", err)
		os.Exit(2)
	}
	for b := range crashMaxBatches {
		ids := crashBatch(round, b)
		items := make([]convo.Inbound, len(ids))
		for i, id := range ids {
			items[i] = crashItem(id)
		}
		if _, err := s.Ingest(crashAcct, items, crashCursor(round, b)); err != nil {
			fmt.Fprintf(os.Stderr, "child ingest round %d batch %d: %v\n", round, b, err)
			os.Exit(2)
		}
		// One unbuffered write per batch: the parent sees a whole line or none.
		fmt.Fprintf(os.Stdout, "ack %d %d %s\n", round, b, strings.Join(ids, " "))
	}
	if err := s.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "child close: %v\n", err)
		os.Exit(2)
	}
	os.Exit(0) // before the testing package prints anything more
}

func TestCrashDuringIngest(t *testing.T) {
	rounds := 100
	if v := os.Getenv(crashRoundsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q, want a positive number", crashRoundsEnv, v)
		}
		rounds = n
	}
	dir := t.TempDir() // one store for every round: later rounds open a store killed many times
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q, want a number", crashSeedEnv, v)
		}
		seed = n
	}
	t.Logf("%s=%d (it picks the kill points; the data is the same every run)", crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	acked := map[string]bool{}
	clean, acks := 0, 0
	for round := range rounds {
		got := runCrashChild(t, dir, round, rng)
		if !got.killed {
			clean++
		}
		acks += len(got.batches)
		for _, b := range got.batches {
			for _, id := range b.ids {
				acked[id] = true
			}
		}
		checkAfterCrash(t, dir, round, got, len(acked) > 0)
		if t.Failed() {
			t.Fatalf("round %d (seed %d): store inconsistent after SIGKILL", round, seed)
		}
	}

	// Last, the whole store: every acknowledged message of every round, once.
	s := openDisk(t, dir, Options{})
	seen := map[string]string{}
	total := 0
	for _, c := range allConversations(t, s) {
		ms := mustMessages(t, s, c.ID)
		if c.MessageCount != len(ms) {
			t.Errorf("conversation %s: MessageCount %d, %d messages, want equal", c.ThreadID, c.MessageCount, len(ms))
		}
		for _, m := range ms {
			if prev, dup := seen[m.PlatformID]; dup {
				t.Errorf("platform ID %s stored twice: in %s and %s", m.PlatformID, prev, c.ThreadID)
			}
			seen[m.PlatformID] = c.ThreadID
		}
		total += len(ms)
	}
	for id := range acked {
		if _, ok := seen[id]; !ok {
			t.Errorf("acknowledged message %s missing at the end", id)
		}
	}
	if len(acked) == 0 || total < len(acked) {
		t.Errorf("store holds %d messages for %d acknowledged, want at least as many and some", total, len(acked))
	}
	// And every acknowledged message is searchable: its words were pending on
	// disk with it, whenever the kill came.
	if err := s.WaitIndexed(); err != nil {
		t.Fatalf("WaitIndexed = %v", err)
	}
	for id := range acked {
		var r, b, i int
		fmt.Sscanf(id, "r%d-b%d-%d", &r, &b, &i)
		hits, err := s.Search(fmt.Sprintf("m%dx%dx%d pacco", r, b, i), 1000)
		if err != nil || !hits[ConvID(crashAcct, crashThread(id))] {
			t.Errorf("acknowledged message %s not found by its words: %v, %v", id, hits, err)
		}
	}
	t.Logf("%d rounds (%d finished before the kill), %d acknowledged batches, %d messages stored", rounds, clean, acks, total)
}

type crashAck struct {
	batch int
	ids   []string
}

type crashRun struct {
	batches []crashAck // acknowledged, in order
	killed  bool
}

// runCrashChild runs one child on dir and kills it: usually after a random
// number of acknowledged batches (at once, or a moment later so the kill
// lands inside the next batch), sometimes after a random delay that can
// fall while it is still opening the store.
func runCrashChild(t *testing.T, dir string, round int, rng *rand.Rand) crashRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(round))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	var killOnce sync.Once
	kill := func() { killOnce.Do(func() { _ = cmd.Process.Signal(syscall.SIGKILL) }) }

	killAfter := 1 + rng.IntN(crashMaxAcks)
	var pause time.Duration
	switch rng.IntN(10) {
	case 0: // blind: maybe during Open and its replay of the log
		killAfter = 0
		timer := time.AfterFunc(time.Duration(rng.IntN(60_000))*time.Microsecond, kill)
		defer timer.Stop()
	case 1, 2, 3, 4: // into the middle of the next batch
		pause = time.Duration(rng.IntN(8_000)) * time.Microsecond
	}

	var run crashRun
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[0] != "ack" {
			continue
		}
		r, err1 := strconv.Atoi(f[1])
		b, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || r != round {
			t.Fatalf("round %d: child printed %q", round, sc.Text())
		}
		if want := crashBatch(round, b); strings.Join(f[3:], " ") != strings.Join(want, " ") {
			t.Fatalf("round %d: child acknowledged batch %d with other IDs than it was given", round, b)
		}
		// Lines still in the pipe after the kill were written after their
		// Ingest returned: they are acknowledged too.
		run.batches = append(run.batches, crashAck{batch: b, ids: f[3:]})
		if len(run.batches) == killAfter {
			if pause > 0 {
				time.Sleep(pause)
			}
			kill()
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("round %d: read child: %v", round, err)
	}
	kill() // a child that finished early (or blind kill that came late) still ends here
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		run.killed = true
	case err == nil && len(run.batches) == crashMaxBatches:
		// It finished every batch before the kill: a clean run, still checked.
	default:
		t.Fatalf("round %d: child ended with %v after %d batches, want SIGKILL; stderr:\n%s", round, err, len(run.batches), stderr.String())
	}
	return run
}

// checkAfterCrash reopens the store a killed child left and checks this
// round's (and the previous round's, which it re-delivers) conversations.
// everAcked says whether any batch of any round so far was acknowledged.
func checkAfterCrash(t *testing.T, dir string, round int, run crashRun, everAcked bool) {
	t.Helper()
	s, err := Open(dir, Options{Now: newClock().Now, FreeSpace: plenty})
	if err != nil {
		t.Fatalf("round %d: reopen after SIGKILL = %v", round, err)
	}
	defer s.Close()

	count := map[string]int{}
	for r := max(round-1, 0); r <= round; r++ {
		for th := range crashThreads {
			thread := fmt.Sprintf("r%d-t%d", r, th)
			id := ConvID(crashAcct, thread)
			ms, err := s.Messages(id, 0)
			if err != nil {
				t.Fatalf("round %d: Messages(%s) = %v", round, thread, err)
			}
			c, err := s.Conversation(id)
			switch {
			case errors.Is(err, ErrNotFound):
				if len(ms) != 0 {
					t.Errorf("round %d: thread %s has %d messages and no conversation", round, thread, len(ms))
				}
				continue
			case err != nil:
				t.Fatalf("round %d: Conversation(%s) = %v", round, thread, err)
			}
			if c.MessageCount != len(ms) {
				t.Errorf("round %d: conversation %s: MessageCount %d, %d messages, want equal", round, thread, c.MessageCount, len(ms))
			}
			for _, m := range ms {
				count[m.PlatformID]++
				if crashThread(m.PlatformID) != thread {
					t.Errorf("round %d: message %s in thread %s, want %s", round, m.PlatformID, thread, crashThread(m.PlatformID))
				}
			}
		}
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("round %d: message %s stored %d times, want 1", round, id, n)
		}
	}
	for _, b := range run.batches {
		for _, id := range b.ids {
			if count[id] != 1 {
				t.Errorf("round %d: acknowledged message %s (batch %d) stored %d times, want 1", round, id, b.batch, count[id])
			}
		}
	}

	// The cursor goes in the transaction of its batch's messages.
	cur, err := s.Cursor(crashAcct)
	if err != nil {
		t.Fatalf("round %d: Cursor = %v", round, err)
	}
	var cr, cb int
	if _, err := fmt.Sscanf(cur, "r%d-b%d", &cr, &cb); err != nil {
		if cur == "" && !everAcked {
			return // every child so far was killed before its first commit
		}
		t.Fatalf("round %d: Cursor = %q, want r<round>-b<batch>", round, cur)
	}
	if n := len(run.batches); n > 0 {
		if last := run.batches[n-1].batch; cr != round || cb < last {
			t.Errorf("round %d: Cursor = %q after batch %d was acknowledged, want at least %s", round, cur, last, crashCursor(round, last))
		}
	}
	if cr > round || cr == round && cb >= crashMaxBatches {
		t.Fatalf("round %d: Cursor = %q, beyond anything ingested", round, cur)
	}
	if cr != round {
		return // nothing of this round committed; earlier rounds were checked then
	}
	for b := 0; b <= cb; b++ {
		for _, id := range crashBatch(round, b) {
			if count[id] != 1 {
				t.Errorf("round %d: Cursor = %q but message %s of batch %d stored %d times, want 1", round, cur, id, b, count[id])
			}
		}
	}
}
