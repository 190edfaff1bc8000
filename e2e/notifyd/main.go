// Command notifyd is the desktop's notification service for the end-to-end
// test: it owns org.freedesktop.Notifications on the session bus and appends
// each notification, as a JSON line {appName, summary, body}, to the file
// given by -out, until killed. The file is created once the name is owned:
// its existence tells the script the app may start.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"sportello/app/notify/dbustest"
)

func main() {
	out := flag.String("out", "", "file to append notifications to, one JSON line each (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "notifyd: -out is required")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "notifyd:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	var mu sync.Mutex
	var f *os.File
	var werr error
	srv, err := dbustest.Start(func(n dbustest.Notification) {
		line, _ := json.Marshal(struct {
			AppName string `json:"appName"`
			Summary string `json:"summary"`
			Body    string `json:"body"`
		}{n.AppName, n.Summary, n.Body})
		mu.Lock()
		defer mu.Unlock()
		if _, err := f.Write(append(line, '\n')); err != nil && werr == nil {
			werr = err
			fmt.Fprintln(os.Stderr, "notifyd:", err)
		}
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	mu.Lock()
	f, err = os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	mu.Unlock()
	if err != nil {
		return err
	}
	defer f.Close()
	<-stop
	mu.Lock()
	defer mu.Unlock()
	return werr
}
