// Command graphsimd is a local Meta Graph API (app/channels/graphsim) for the
// end-to-end test of the Accounts dialog: it serves one Facebook Page and one
// Instagram account on 127.0.0.1, prints {"url","pageId","pageToken",
// "pageName","igId","igToken","customer","message"} as one JSON line (the
// Page's inbox holds that customer's message), and serves until stdin closes
// or it is killed.
package main

import (
	"encoding/json"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"sportello/app/channels/graphsim"
)

func main() {
	// The virtual clock starts now: the app's first sync reads only recent threads.
	sim := graphsim.New(graphsim.Options{Start: time.Now()})
	defer sim.Close()
	page := sim.AddPage("Aurora Casa Milano")
	ig := sim.AddInstagram("auroracasa.milano")
	u := sim.NewUser("Ludovica Bellandi")
	msg := "Buongiorno, il mio ordine AC-48213 è in ritardo"
	sim.UserMessage(page.ID, u, msg)
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"url": sim.URL(), "pageId": page.ID, "pageToken": page.Token,
		"pageName": page.Name, "igId": ig.ID, "igToken": ig.Token, "customer": u.Name, "message": msg})
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}
