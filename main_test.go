package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"sportello/app/store"
)

func TestSecondInstanceIsRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := store.Open(dir, store.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	var out bytes.Buffer
	if code := run([]string{"--data-dir", dir}, &out); code != 1 {
		t.Errorf("run(second instance) = exit %d, want 1", code)
	}
	if !strings.Contains(out.String(), "Sportello is already open") {
		t.Errorf("run(second instance) printed %q, want it to say Sportello is already open", out.String())
	}
}

func TestFlags(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--version"}, &out); code != 0 || !strings.Contains(out.String(), "sportello "+version) {
		t.Errorf("run(--version) = %d, %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"--no-such-flag"}, &out); code != 2 || !strings.Contains(out.String(), "no-such-flag") {
		t.Errorf("run(--no-such-flag) = %d, %q; want 2 and the flag named", code, out.String())
	}
}
