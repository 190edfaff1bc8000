//go:build !windows

package store

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"

	"sportello/app/convo"
)

// TestDiskLowRealFreeSpace uses the OS's own figure (FreeSpace nil) with
// MinFree above what the disk has.
func TestDiskLowRealFreeSpace(t *testing.T) {
	dir := t.TempDir()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatalf("Statfs(%s) = %v", dir, err)
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	// Twice the free space plus 1 GiB: still above it if other processes
	// free some meanwhile, and Open (which wants MinFree/4) passes unless
	// the disk has under ~512 MiB, where refusing to open is right too.
	minFree := 2*free + 1<<30

	s, err := Open(dir, Options{Now: newClock().Now, MinFree: minFree})
	if free < minFree/4 { // under ~512 MiB: Open itself must refuse
		if !errors.Is(err, ErrDiskLow) {
			t.Errorf("Open(MinFree %d, %d free) = %v, want ErrDiskLow", minFree, free, err)
		}
		if err == nil {
			s.Close()
		}
		return
	}
	if err != nil {
		t.Fatalf("Open(MinFree %d, %d free) = %v, want nil", minFree, free, err)
	}
	defer s.Close()
	res, err := s.Ingest("a", []convo.Inbound{dm("t", "p", convo.DirIn, t0, "ciao")}, "c1")
	if !errors.Is(err, ErrDiskLow) {
		t.Fatalf("Ingest(MinFree %d, %d free) = %v, want ErrDiskLow", minFree, free, err)
	}
	if res.Stored != 0 {
		t.Errorf("Ingest with disk low stored %d, want 0", res.Stored)
	}
	if _, err := s.Conversation(ConvID("a", "t")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Conversation after refused Ingest = %v, want ErrNotFound", err)
	}
	if got, err := s.Cursor("a"); got != "" || err != nil {
		t.Errorf("Cursor after refused Ingest = %q, %v, want \"\", nil", got, err)
	}
	if gotFree, low := s.Disk(); !low || gotFree <= 0 || gotFree >= minFree {
		t.Errorf("Disk() = %d, %v, want the real free space (about %d) and low", gotFree, low, free)
	}
}
