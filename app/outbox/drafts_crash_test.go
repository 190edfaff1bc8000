//go:build !windows

package outbox

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sportello/app/store"
)

const (
	draftDirEnv    = "SPORTELLO_DRAFT_CRASH_DIR"
	draftRoundEnv  = "SPORTELLO_DRAFT_CRASH_ROUND"
	draftRoundsEnv = "SPORTELLO_DRAFT_ROUNDS"
	draftSeedEnv   = "SPORTELLO_DRAFT_SEED"

	draftConvs    = 5
	draftMaxSaves = 300 // the child stops after this many
	// The parent kills after 1..draftMaxAcks acknowledged saves. A save
	// (fsync) costs 1-10 ms under -race on 2 busy cores, a round's fixed
	// part (child start, Open, the parent's reopen) ~150 ms.
	draftMaxAcks = 40
)

var draftPhrases = []string{
	"Ciao Giulia, mi dispiace per l'attesa: ho controllato e il pacco è già in consegna, arriverà entro giovedì 🚚",
	"Perché non ci mandi una foto del divano? Così apro subito la pratica di sostituzione.",
	"Hi Kate, thanks for your patience! Your refund is on its way 👍 https://auroracasa.example/rimborsi?o=18422",
	"Buongiorno, l'ordine A18422 è partito ieri sera. Ecco il tracciamento: https://track.example.com/it?c=ABC123",
	"Grazie a te! 🙏🏻 Buona giornata da Aurora Casa 🇮🇹",
}

// draftOp is save i of a round, the same on every call: the conversation,
// and the text as the agent had typed it by then ("" clears the draft).
func draftOp(round, i int) (conv, text string) {
	rng := rand.New(rand.NewPCG(uint64(round)+1, uint64(i)+1))
	conv = fmt.Sprintf("c_draft%d", rng.IntN(draftConvs))
	if rng.IntN(12) == 0 {
		return conv, "" // sent, or deleted by the agent
	}
	base := []rune(draftPhrases[rng.IntN(len(draftPhrases))])
	text = fmt.Sprintf("r%d-%d ", round, i) + string(base[:1+rng.IntN(len(base))])
	if rng.IntN(15) == 0 {
		text += strings.Repeat(" e poi aggiungo ancora una riga più lunga", 200) // an e-mail-sized draft
	}
	return conv, text
}

// TestDraftCrashChild is the child half of TestDraftsSurviveSIGKILL; run
// directly it does nothing.
func TestDraftCrashChild(t *testing.T) {
	dir := os.Getenv(draftDirEnv)
	if dir == "" {
		return
	}
	round, err := strconv.Atoi(os.Getenv(draftRoundEnv))
	if err != nil {
		childFail("bad %s: %v", draftRoundEnv, err)
	}
	st, err := store.Open(dir, store.Options{Now: time.Now, FreeSpace: plenty})
	if err != nil {
		childFail("child open: %v", err)
	}
	ob := New(st, time.Now, nil, nil, nil)
	for i := range draftMaxSaves {
		conv, text := draftOp(round, i)
		if err := ob.SaveDraft(Draft{ConvID: conv, Text: text}); err != nil {
			childFail("child save %d: %v", i, err)
		}
		// One unbuffered write per save: the parent sees a whole line or none.
		fmt.Fprintf(os.Stdout, "ack %d %d %s %s\n", round, i, conv, strconv.Quote(text))
	}
	if err := st.Close(); err != nil {
		childFail("child close: %v", err)
	}
	os.Exit(0) // before the testing package prints anything more
}

// TestDraftsSurviveSIGKILL kills a child saving drafts as fast as it can, at
// random moments, and checks after each kill that every conversation has
// its last acknowledged draft, or the one being saved when it died.
func TestDraftsSurviveSIGKILL(t *testing.T) {
	n := rounds(t, draftRoundsEnv, 30)
	rng := killSeed(t, draftSeedEnv)
	// One store for every round: later rounds open a store killed many times.
	dir := t.TempDir()
	state := map[string]string{} // conversation → its draft ("" none) after the last check
	for k := range draftConvs {
		state[fmt.Sprintf("c_draft%d", k)] = ""
	}
	acks, later := 0, 0
	for round := range n {
		c := startChild(t, "TestDraftCrashChild", draftDirEnv+"="+dir, draftRoundEnv+"="+strconv.Itoa(round))
		killAfter := 1 + rng.IntN(draftMaxAcks)
		var pause time.Duration
		switch rng.IntN(10) {
		case 0: // blind: maybe while it opens the store
			killAfter = -1
			timer := time.AfterFunc(time.Duration(rng.IntN(150_000))*time.Microsecond, c.kill)
			defer timer.Stop()
		case 1, 2, 3, 4: // into the middle of the next save
			pause = time.Duration(rng.IntN(3_000)) * time.Microsecond
		}
		acked := 0
		last := map[string]string{} // conversation → its last acknowledged text, as the child printed it
		for line := range c.lines {
			f := strings.SplitN(line, " ", 5)
			var text string
			var err error
			if len(f) == 5 {
				text, err = strconv.Unquote(f[4])
			}
			if len(f) != 5 || f[0] != "ack" || f[1] != strconv.Itoa(round) || f[2] != strconv.Itoa(acked) || err != nil {
				c.kill()
				t.Fatalf("round %d: child printed %.80q after %d acks", round, line, acked)
			}
			if conv, want := draftOp(round, acked); f[3] != conv || text != want {
				c.kill()
				t.Fatalf("round %d: child acknowledged save %d as %s %.40q, want %s %.40q", round, acked, f[3], text, conv, want)
			}
			last[f[3]] = text
			acked++
			if acked == killAfter {
				time.Sleep(pause)
				c.kill()
			}
		}
		c.kill() // one that finished, or a blind kill that came late
		c.wait(t)
		acks += acked

		// What each conversation may hold: its last acknowledged draft, or
		// the save in flight when the child died (the next one).
		want := map[string][]string{}
		for conv, text := range state {
			want[conv] = []string{text}
		}
		for conv, text := range last {
			want[conv] = []string{text}
		}
		if acked < draftMaxSaves {
			conv, text := draftOp(round, acked)
			want[conv] = append(want[conv], text)
		}

		st, err := store.Open(dir, store.Options{Now: time.Now, FreeSpace: plenty})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL = %v", round, err)
		}
		ob := New(st, time.Now, nil, nil, nil)
		var withDraft []string
		for k := range draftConvs {
			conv := fmt.Sprintf("c_draft%d", k)
			d, err := ob.Draft(conv)
			if err != nil {
				t.Fatalf("round %d: Draft(%s) = %v", round, conv, err)
			}
			if !slices.Contains(want[conv], d.Text) {
				t.Errorf("round %d (%d acked): %s holds %.40q, want one of %.40q", round, acked, conv, d.Text, want[conv])
			}
			if len(want[conv]) > 1 && d.Text == want[conv][1] && d.Text != want[conv][0] {
				later++
			}
			state[conv] = d.Text
			if d.Text != "" {
				withDraft = append(withDraft, conv)
			}
		}
		ds, err := ob.Drafts()
		if err != nil {
			t.Fatalf("round %d: Drafts = %v", round, err)
		}
		var listed []string
		for _, d := range ds {
			listed = append(listed, d.ConvID)
		}
		slices.Sort(listed)
		if !slices.Equal(listed, withDraft) {
			t.Errorf("round %d: Drafts() lists %v, want %v", round, listed, withDraft)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d rounds, %d acknowledged saves; %d times the save in flight had reached the disk", n, acks, later)
}
